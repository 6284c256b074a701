// The ElastiCache service model (botocore's, without docs), loaded once. The JSON import is
// copied next to the compiled module by tsc, so the same relative path works from src/ and dist/.
import service from '../model/service.json' with { type: 'json' };

/** A reference to a shape from a structure member or a list/map element, with its member traits. */
export interface ShapeRef {
  shape: string;
  locationName?: string;
  deprecated?: boolean;
  flattened?: boolean;
}

interface ShapeBase {
  locationName?: string;
  flattened?: boolean;
  min?: number;
  max?: number;
}
export interface StructureShape extends ShapeBase {
  type: 'structure';
  members: Record<string, ShapeRef>;
  required?: string[];
  exception?: boolean;
  wrapper?: boolean;
}
export interface ListShape extends ShapeBase {
  type: 'list';
  member: ShapeRef;
}
export interface MapShape extends ShapeBase {
  type: 'map';
  key: ShapeRef;
  value: ShapeRef;
}
export interface ScalarShape extends ShapeBase {
  type: 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  enum?: string[];
  pattern?: string;
}
export type Shape = StructureShape | ListShape | MapShape | ScalarShape;

export interface OperationInfo {
  name: string;
  /** Input structure shape name; undefined when the operation takes no input. */
  input?: string;
  /** Output structure shape name; undefined when the response carries only ResponseMetadata. */
  output?: string;
  /** Element wrapping the output inside `<{Op}Response>`, normally `{Op}Result`. */
  resultWrapper?: string;
}

interface RawOperation {
  name: string;
  input?: { shape: string };
  output?: { shape: string; resultWrapper?: string };
}

const shapes = service.shapes as unknown as Record<string, Shape>;
const operations = service.operations as unknown as Record<string, RawOperation>;

export const API_VERSION: string = service.metadata.apiVersion;
export const XML_NAMESPACE: string = service.metadata.xmlNamespace;

const opCache = new Map<string, OperationInfo>();

/** The operation named exactly `name` (case-sensitive, like AWS), or undefined. */
export function getOperation(name: string): OperationInfo | undefined {
  // Object.hasOwn: a request for Action=constructor must not find Object.prototype members.
  if (!Object.hasOwn(operations, name)) return undefined;
  let info = opCache.get(name);
  if (!info) {
    const op = operations[name];
    info = { name, input: op.input?.shape, output: op.output?.shape, resultWrapper: op.output?.resultWrapper };
    opCache.set(name, info);
  }
  return info;
}

export function operationNames(): string[] {
  return Object.keys(operations);
}

/** The shape named `name`; throws if the model has no such shape (a bug, not a client error). */
export function getShape(name: string): Shape {
  if (!Object.hasOwn(shapes, name)) throw new Error(`shape ${name} is not in the ElastiCache model`);
  return shapes[name];
}

export function getStructure(name: string): StructureShape {
  const s = getShape(name);
  if (s.type !== 'structure') throw new Error(`shape ${name} is a ${s.type}, not a structure`);
  return s;
}

/** A structure member with everything the codec needs, resolved once per structure. */
export interface MemberPlan {
  name: string;
  ref: ShapeRef;
  shape: Shape;
  required: boolean;
  /** Wire name as the JS SDK (Smithy) resolves it: the member's locationName, else its name. */
  wireName: string;
  /**
   * The target shape's own locationName when it differs from wireName: botocore prefers it
   * (one case in this model, PendingLogDeliveryConfigurationList), so the codec honours both.
   */
  altWireName?: string;
}

const planCache = new Map<string, MemberPlan[]>();

export function structurePlan(name: string): MemberPlan[] {
  let plan = planCache.get(name);
  if (!plan) {
    const s = getStructure(name);
    const required = new Set(s.required ?? []);
    plan = Object.entries(s.members).map(([member, ref]) => {
      const shape = getShape(ref.shape);
      const wireName = ref.locationName ?? member;
      const alt = ref.locationName === undefined && shape.locationName !== undefined && shape.locationName !== wireName
        ? shape.locationName : undefined;
      return { name: member, ref, shape, required: required.has(member), wireName, altWireName: alt };
    });
    planCache.set(name, plan);
  }
  return plan;
}

const patternCache = new Map<string, RegExp | null>();

/**
 * The model's pattern for a string shape as a whole-value RegExp. AWS validates patterns
 * against the entire value, so the model's (unanchored) pattern is anchored here.
 */
export function shapePattern(shapeName: string): RegExp | undefined {
  const s = getShape(shapeName);
  if (s.type !== 'string' || !s.pattern) return undefined;
  let re = patternCache.get(shapeName);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${s.pattern})$`, 'u');
    } catch {
      try {
        re = new RegExp(`^(?:${s.pattern})$`);
      } catch {
        re = null; // a pattern JS cannot compile is skipped rather than failing every request
      }
    }
    patternCache.set(shapeName, re);
  }
  return re ?? undefined;
}
