import { described, Field } from './Field.js';
import { FormError } from './FormError.js';

/**
 * The foot of both create forms (designed and serverless): the tags, one key=value a line; the
 * API's error about no one field (`#create-error`, focused when it shows); Cancel and Create.
 */
export function CreateFormFooter({ tags, tagsError, formError, busy, onTagsInput }: {
  tags: string; tagsError?: string; formError?: string; busy: boolean; onTagsInput: (e: Event) => void;
}) {
  return (
    <>
      <fieldset>
        <legend>Tags</legend>
        <Field id="tags" label="Tags" error={tagsError} hint="One key=value a line.">
          <textarea {...described('tags', tagsError, 'hint')} rows={3} value={tags} onInput={onTagsInput} />
        </Field>
      </fieldset>
      <FormError id="create-error" message={formError} />
      <div class="dialog-buttons">
        <a href="#/">Cancel</a>
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create'}</button>
      </div>
    </>
  );
}
