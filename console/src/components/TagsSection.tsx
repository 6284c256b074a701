import { useState } from 'preact/hooks';
import { ApiError, call } from '../api.js';
import { addTagParams, removeTagParams, tagFieldOfError } from '../tags.js';
import { usePoll } from '../use-poll.js';
import type { Tag } from '../types.js';
import { described, Field } from './Field.js';

/** How often tags are read again (they change only by an action, here or elsewhere). */
const TAGS_POLL_MS = 10_000;

/** A resource's tags (ListTagsForResource on its ARN): add one, remove one; the API's errors beside the fields. */
export function TagsSection({ arn }: { arn: string }) {
  const tags = usePoll(() => call<{ TagList?: Tag[] }>('ListTagsForResource', { ResourceName: arn }).then((r) => r.TagList ?? []), TAGS_POLL_MS, [arn]);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<{ key?: string; value?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const message = (err: unknown) => (err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
  const add = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      await call('AddTagsToResource', addTagParams(arn, key, value));
      setKey('');
      setValue('');
      tags.refresh();
    } catch (err) {
      const field = err instanceof ApiError && err.code === 'InvalidParameterValue' ? tagFieldOfError(err.message) : 'form';
      setErrors({ [field]: message(err) });
      document.getElementById(field === 'form' ? 'tags-error' : `tag-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };
  const remove = async (k: string) => {
    setErrors({});
    try {
      await call('RemoveTagsFromResource', removeTagParams(arn, k));
      tags.refresh();
    } catch (err) {
      setErrors({ form: message(err) });
    }
  };
  return (
    <section aria-labelledby="tags-title">
      <h2 id="tags-title">Tags</h2>
      {tags.error && <p class="error" role="alert">Could not load the tags: {tags.error.message}</p>}
      {!tags.data ? <p role="status">Loading…</p> : tags.data.length === 0 ? <p class="muted">No tags.</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {tags.data.map((t) => (
                <tr key={t.Key} data-tag={t.Key}>
                  <th scope="row">{t.Key}</th><td>{t.Value}</td>
                  <td><button type="button" onClick={() => void remove(t.Key!)}>Remove<span class="visually-hidden"> tag {t.Key}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="inline-form" onSubmit={add} noValidate>
        <Field id="tag-key" label="Tag key" error={errors.key}>
          <input {...described('tag-key', errors.key)} value={key} spellcheck={false} onInput={(e) => setKey(e.currentTarget.value)} />
        </Field>
        <Field id="tag-value" label="Tag value" error={errors.value}>
          <input {...described('tag-value', errors.value)} value={value} spellcheck={false} onInput={(e) => setValue(e.currentTarget.value)} />
        </Field>
        <button type="submit" disabled={busy}>{busy ? 'Adding…' : 'Add tag'}</button>
      </form>
      {errors.form && <p id="tags-error" tabIndex={-1} class="error" role="alert">{errors.form}</p>}
    </section>
  );
}
