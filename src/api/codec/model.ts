// A Query-protocol service model (botocore's, without docs) and the lookups the codec makes in
// it, cached per model. The ElastiCache model is the default one; IAM's (src/api/iam/model/)
// goes through the same codec. The JSON import is copied next to the compiled module by tsc, so
// the same relative path works from src/ and dist/.
import service from '../model/service.json' with { type: 'json' };
import extensions from '../model/extensions.json' with { type: 'json' };

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

/** The parts of a botocore service model (service-2.json) the codec reads. */
export interface ServiceModelJson {
  metadata: { apiVersion: string; xmlNamespace?: string };
  operations: unknown;
  shapes: unknown;
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
   * (one case in the ElastiCache model, PendingLogDeliveryConfigurationList), so the codec honours both.
   */
  altWireName?: string;
}

/** One service's model with cached lookups; every function here is pure over the model. */
export interface QueryModel {
  /** e.g. `ElastiCache`, for bug messages. */
  readonly label: string;
  readonly apiVersion: string;
  readonly xmlNamespace: string;
  /** The operation named exactly `name` (case-sensitive, like AWS), or undefined. */
  getOperation(name: string): OperationInfo | undefined;
  operationNames(): string[];
  /** The shape named `name`; throws if the model has no such shape (a bug, not a client error). */
  getShape(name: string): Shape;
  getStructure(name: string): StructureShape;
  structurePlan(name: string): MemberPlan[];
  /**
   * The model's pattern for a string shape as a whole-value RegExp. AWS validates patterns
   * against the entire value, so the model's (unanchored) pattern is anchored here.
   */
  shapePattern(shapeName: string): RegExp | undefined;
}

export function createQueryModel(json: ServiceModelJson, label: string): QueryModel {
  const shapes = json.shapes as Record<string, Shape>;
  const operations = json.operations as Record<string, RawOperation>;
  const opCache = new Map<string, OperationInfo>();
  const planCache = new Map<string, MemberPlan[]>();
  const patternCache = new Map<string, RegExp | null>();

  function getShape(name: string): Shape {
    if (!Object.hasOwn(shapes, name)) throw new Error(`shape ${name} is not in the ${label} model`);
    return shapes[name]!;
  }
  function getStructure(name: string): StructureShape {
    const s = getShape(name);
    if (s.type !== 'structure') throw new Error(`shape ${name} is a ${s.type}, not a structure`);
    return s;
  }
  return {
    label,
    apiVersion: json.metadata.apiVersion,
    xmlNamespace: json.metadata.xmlNamespace ?? '',
    getOperation(name) {
      // Object.hasOwn: a request for Action=constructor must not find Object.prototype members.
      if (!Object.hasOwn(operations, name)) return undefined;
      let info = opCache.get(name);
      if (!info) {
        const op = operations[name]!;
        info = { name, input: op.input?.shape, output: op.output?.shape, resultWrapper: op.output?.resultWrapper };
        opCache.set(name, info);
      }
      return info;
    },
    operationNames: () => Object.keys(operations),
    getShape,
    getStructure,
    structurePlan(name) {
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
    },
    shapePattern(shapeName) {
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
    },
  };
}

/**
 * The ElastiCache model (src/api/model/), the codec's default, with cachefleet's own operations
 * (extensions.json: shapes of the same kind, e.g. DescribePointInTimeRestoreWindows) added.
 */
export const ELASTICACHE_MODEL: QueryModel = createQueryModel({
  ...(service as ServiceModelJson),
  operations: { ...(service.operations as object), ...extensions.operations },
  shapes: { ...(service.shapes as object), ...extensions.shapes },
}, 'ElastiCache');

export const API_VERSION: string = ELASTICACHE_MODEL.apiVersion;
export const XML_NAMESPACE: string = ELASTICACHE_MODEL.xmlNamespace;

/** The ElastiCache operation named exactly `name`, or undefined. */
export const getOperation = (name: string): OperationInfo | undefined => ELASTICACHE_MODEL.getOperation(name);
export const operationNames = (): string[] => ELASTICACHE_MODEL.operationNames();
export const getShape = (name: string): Shape => ELASTICACHE_MODEL.getShape(name);
export const getStructure = (name: string): StructureShape => ELASTICACHE_MODEL.getStructure(name);
export const structurePlan = (name: string): MemberPlan[] => ELASTICACHE_MODEL.structurePlan(name);
export const shapePattern = (shapeName: string): RegExp | undefined => ELASTICACHE_MODEL.shapePattern(shapeName);
