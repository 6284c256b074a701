import { useState } from 'preact/hooks';

/** Copies `text` to the clipboard; says so to screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      setDone(false);
    }
  };
  return (
    // The accessible name starts with the visible word, in both states (axe: label-content-name-mismatch).
    <button type="button" class="copy" onClick={copy} aria-label={`${done ? 'Copied' : 'Copy'} ${label}`}>
      {done ? 'Copied' : 'Copy'}
      <span class="visually-hidden" role="status">{done ? `${label} copied` : ''}</span>
    </button>
  );
}
