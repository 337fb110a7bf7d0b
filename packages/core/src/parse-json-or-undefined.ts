/** `JSON.parse`, or undefined for text that is not JSON: for messages whose shape a schema checks next. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
