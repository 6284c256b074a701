import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

/**
 * A modal dialog shown while it is rendered (native <dialog>: focus is kept inside, Esc closes);
 * `onClose` runs however it closes, so the parent stops rendering it.
 */
export function Modal({ titleId, onClose, children }: { titleId: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return <dialog ref={ref} aria-labelledby={titleId} onClose={onClose}>{children}</dialog>;
}
