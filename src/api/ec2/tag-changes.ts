// CreateTags / DeleteTags on security groups (sg-) and network interfaces (eni-): every resource
// must exist, and all of them change in one commit or none does.
import type { Services } from '../../core/index.js';
import type { Tag, WriteOp } from '../../store/index.js';
import { clip, ec2Error, Ec2Errors } from './errors.js';
import { checkDryRun, ec2Write, logChange, requireGroupById, requireInterface } from './store.js';

export async function changeTags(svc: Services, input: { Resources?: string[]; DryRun?: boolean },
  change: (resourceId: string, tags: Tag[]) => Tag[]): Promise<void> {
  const resources = [...new Set(input.Resources ?? [])];
  if (resources.length === 0) throw Ec2Errors.missingParameter('ResourceId');
  await ec2Write(async () => {
    const ops: WriteOp[] = [];
    for (const id of resources) {
      if (id.startsWith('sg-')) {
        const g = await requireGroupById(svc, id);
        ops.push({ op: 'update', kind: 'securityGroup', id: g.id, doc: { ...g.doc, tags: change(id, g.doc.tags) }, expectVersion: g.version });
      } else if (id.startsWith('eni-')) {
        const ni = await requireInterface(svc, id);
        ops.push({ op: 'update', kind: 'networkInterface', id: ni.id, doc: { ...ni.doc, tags: change(id, ni.doc.tags) }, expectVersion: ni.version });
      } else {
        throw ec2Error('InvalidID', `The ID '${clip(id)}' is not valid (cachefleet tags security groups, sg-…, and network interfaces, eni-…)`);
      }
    }
    checkDryRun(input);
    await svc.store.commit(ops);
    logChange(svc, { resources }, `Tags changed on ${resources.join(', ')}`);
    svc.kick();
  });
}
