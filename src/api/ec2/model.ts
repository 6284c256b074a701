// The EC2 service model subset (botocore's, without docs; scripts/gen-ec2-model.mjs), loaded once.
// Wire names differ from the query protocol's both ways (botocore's EC2Serializer and
// EC2QueryParser, the JS SDK's ec2 protocol):
//   request   queryName, else the member's locationName with its first letter uppercased, else
//             the member name; lists are always `Name.N` (no member segment, never flattened)
//   response  the member's locationName (lowercase-first: `groupId`), else the member name;
//             list items are elements named by the list member's locationName (`item`)
import service from './model/service.json' with { type: 'json' };
import type { Shape, ShapeRef, StructureShape } from '../codec/model.js';

interface Ec2ShapeRef extends ShapeRef {
  queryName?: string;
}

interface RawOperation {
  name: string;
  input?: { shape: string };
  output?: { shape: string };
}

const shapes = service.shapes as unknown as Record<string, Shape>;
const operations = service.operations as unknown as Record<string, RawOperation>;

export const EC2_API_VERSION: string = service.metadata.apiVersion;
/** The namespace EC2 answers with (the model's, with the trailing slash EC2 writes). */
export const EC2_XML_NAMESPACE = `${service.metadata.xmlNamespace.replace(/\/$/, '')}/`;

export interface Ec2Operation {
  name: string;
  input?: string;
  output?: string;
}

/** The operation named exactly `name`, or undefined (also for names such as "constructor"). */
export function getEc2Operation(name: string): Ec2Operation | undefined {
  if (!Object.hasOwn(operations, name)) return undefined;
  const op = operations[name]!;
  return { name, input: op.input?.shape, output: op.output?.shape };
}

export function ec2OperationNames(): string[] {
  return Object.keys(operations);
}

export function getEc2Shape(name: string): Shape {
  if (!Object.hasOwn(shapes, name)) throw new Error(`shape ${name} is not in the EC2 model subset`);
  return shapes[name]!;
}

/** A structure member with its request and response wire names. */
export interface Ec2MemberPlan {
  name: string;
  shapeName: string;
  shape: Shape;
  required: boolean;
  /** Name in a request (`GroupDescription`, `IpPermissions`, `SecurityGroupId`). */
  queryName: string;
  /** Element name in a response (`groupDescription`, `ipPermissions`). */
  xmlName: string;
}

const planCache = new Map<string, Ec2MemberPlan[]>();

export function ec2StructurePlan(name: string): Ec2MemberPlan[] {
  let plan = planCache.get(name);
  if (!plan) {
    const s = getEc2Shape(name);
    if (s.type !== 'structure') throw new Error(`shape ${name} is a ${s.type}, not a structure`);
    const required = new Set((s as StructureShape).required ?? []);
    plan = Object.entries((s as StructureShape).members).map(([member, r]) => {
      const ref = r as Ec2ShapeRef;
      const loc = ref.locationName;
      return {
        name: member, shapeName: ref.shape, shape: getEc2Shape(ref.shape), required: required.has(member),
        queryName: ref.queryName ?? (loc ? loc[0]!.toUpperCase() + loc.slice(1) : member),
        xmlName: loc ?? member,
      };
    });
    planCache.set(name, plan);
  }
  return plan;
}
