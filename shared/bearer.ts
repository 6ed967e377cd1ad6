/** A token copied from a request often arrives as `Bearer abc…`; Tokenwarden adds the scheme itself. */
export function stripBearerPrefix(pasted: string): { token: string; stripped: boolean } {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(pasted);
  return match ? { token: match[1]!, stripped: true } : { token: pasted, stripped: false };
}
