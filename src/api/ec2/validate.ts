// EC2's constraints on names and descriptions, and other checks several actions share.
import { clip, ec2Error, Ec2Errors } from './errors.js';

/** What EC2 allows in a VPC security group's name and description, and in a rule's description. */
const ALLOWED_TEXT = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
const MAX_TEXT = 255;
const ALLOWED_LIST = 'a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*';

export function checkGroupName(name: string | undefined): string {
  if (name === undefined || name === '') throw Ec2Errors.missingParameter('GroupName');
  if (name.length > MAX_TEXT) throw Ec2Errors.invalidValue(`Invalid value '${clip(name)}' for GroupName. It must be at most ${MAX_TEXT} characters long.`);
  if (name.toLowerCase().startsWith('sg-')) {
    throw Ec2Errors.invalidValue(`Invalid value '${clip(name)}' for GroupName. It cannot start with 'sg-' (group ids do).`);
  }
  if (!ALLOWED_TEXT.test(name)) {
    throw Ec2Errors.invalidValue(`Invalid value '${clip(name)}' for GroupName. Allowed characters are ${ALLOWED_LIST}`);
  }
  return name;
}

export function checkGroupDescription(description: string | undefined): string {
  if (description === undefined || description === '') throw Ec2Errors.missingParameter('GroupDescription');
  if (description.length > MAX_TEXT) {
    throw Ec2Errors.invalidValue(`Invalid value for GroupDescription: it must be at most ${MAX_TEXT} characters long (got ${description.length}).`);
  }
  if (!ALLOWED_TEXT.test(description)) {
    throw Ec2Errors.invalidValue(`Invalid value '${clip(description)}' for GroupDescription. Allowed characters are ${ALLOWED_LIST}`);
  }
  return description;
}

/** A rule's description (optional). */
export function checkRuleDescription(description: string | undefined): string | undefined {
  if (description === undefined) return undefined;
  if (description.length > MAX_TEXT || !ALLOWED_TEXT.test(description)) {
    throw Ec2Errors.invalidValue(`Invalid rule description '${clip(description)}'. Valid descriptions are strings of at most ` +
      `${MAX_TEXT} characters from the following set: ${ALLOWED_LIST}`);
  }
  return description;
}

/** A network interface's description: free text up to 255 characters. */
export function checkInterfaceDescription(description: string | undefined): string {
  const d = description ?? '';
  if (d.length > MAX_TEXT) throw Ec2Errors.invalidValue(`The description must be at most ${MAX_TEXT} characters long (got ${d.length}).`);
  return d;
}

/** A VPC id given by the client: well-formed (the VPC itself is not checked: any id names a VPC here). */
export function checkVpcId(vpcId: string): string {
  if (!/^vpc-[0-9a-zA-Z]{1,60}$/.test(vpcId)) {
    throw ec2Error('InvalidVpcID.Malformed', `Invalid id: "${clip(vpcId)}" (expecting "vpc-...")`);
  }
  return vpcId;
}

/** Members of the request cachefleet does not implement: refused when set, never silently ignored. */
export function refuseUnsupported(input: object, members: Record<string, string>): void {
  for (const [member, what] of Object.entries(members)) {
    const v = (input as Record<string, unknown>)[member];
    const empty = v === undefined || v === false || v === 0 || (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
    if (empty) continue;
    throw Ec2Errors.unsupported(`${what} (${member})`);
  }
}
