export type Deployment = 'serverless' | 'designed';

/** The create form's first choice, as ElastiCache's console asks it: serverless, or a cache designed node by node. */
export function DeploymentOption({ value, onChange }: { value: Deployment; onChange: (d: Deployment) => void }) {
  const choices: Array<[Deployment, string, string]> = [
    ['serverless', 'Serverless', 'Scales by itself within the usage limits you set; no nodes to choose.'],
    ['designed', 'Design your own cache', 'Choose the node type, shards and replicas.'],
  ];
  return (
    <fieldset class="deployment">
      <legend>Deployment option</legend>
      {choices.map(([d, label, hint]) => (
        <div class="check" key={d}>
          <input type="radio" name="deployment" id={`deployment-${d}`} value={d} checked={value === d}
            aria-describedby={`deployment-${d}-hint`} onChange={() => onChange(d)} />
          <label for={`deployment-${d}`}>{label}</label>
          <span id={`deployment-${d}-hint`} class="hint">{hint}</span>
        </div>
      ))}
    </fieldset>
  );
}
