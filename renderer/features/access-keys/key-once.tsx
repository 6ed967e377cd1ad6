/** A new key, shown this once: it is not stored anywhere Tokenwarden can show it again (SECURITY A5). */
import { useState } from 'react';
import type { AccessKeyCreated } from '../../../shared/model.ts';

export interface KeyOnceProps {
  created: AccessKeyCreated;
  onDone: () => void;
}

/** Copies from the field the user sees; falls back to the selection when the async clipboard is refused. */
async function copyText(input: HTMLInputElement | null, text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.select();
    return document.execCommand('copy');
  }
}

export function KeyOnce({ created, onDone }: KeyOnceProps) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const [input, setInput] = useState<HTMLInputElement | null>(null);
  return (
    <div className="key-once" role="status" aria-label="New access key">
      <p>
        <strong>Copy this key now.</strong> This is the only time it is shown: Tokenwarden keeps only a hash of it.
      </p>
      <div className="key-once-row">
        <label htmlFor="new-key" className="sr-only">
          New access key {created.id}
        </label>
        <input id="new-key" ref={setInput} className="mono" readOnly value={created.key} onFocus={(e) => e.target.select()} />
        <button type="button" className="primary" onClick={() => void copyText(input, created.key).then(setCopied)}>
          {copied ? 'Copied' : 'Copy key'}
        </button>
      </div>
      {copied === false ? <p className="field-error">The clipboard refused; select the key and copy it by hand.</p> : null}
      <p className="hint">
        Use it as <span className="mono">X-Tokenwarden-Key</span> or as the proxy password: it works only for {created.for.join(', ')}.
      </p>
      <div className="actions">
        <button type="button" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
