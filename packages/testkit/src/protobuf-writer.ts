/**
 * The few protobuf wire-format pieces an ONNX model file needs (varint and length-delimited
 * fields), so tests can write a model without a protobuf library. A message is a list of
 * already-encoded fields; nested messages are encoded first and embedded as bytes.
 */
export type ProtoField = Uint8Array;

const wireVarint = 0;
const wireLengthDelimited = 2;

function varint(value: number | bigint): number[] {
  let rest = BigInt(value);
  if (rest < 0n) rest += 1n << 64n; // protobuf int64: two's complement, ten bytes
  const bytes: number[] = [];
  do {
    let byte = Number(rest & 0x7fn);
    rest >>= 7n;
    if (rest > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (rest > 0n);
  return bytes;
}

function key(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

/** An int32, int64 or enum field. */
export function intField(field: number, value: number | bigint): ProtoField {
  return Uint8Array.from([...key(field, wireVarint), ...varint(value)]);
}

export function bytesField(field: number, value: Uint8Array): ProtoField {
  const head = [...key(field, wireLengthDelimited), ...varint(value.length)];
  const out = new Uint8Array(head.length + value.length);
  out.set(head);
  out.set(value, head.length);
  return out;
}

export function stringField(field: number, value: string): ProtoField {
  return bytesField(field, new TextEncoder().encode(value));
}

export function messageField(field: number, fields: readonly ProtoField[]): ProtoField {
  return bytesField(field, message(fields));
}

/** Fields concatenated: the encoding of a message. */
export function message(fields: readonly ProtoField[]): Uint8Array {
  const out = new Uint8Array(fields.reduce((total, field) => total + field.length, 0));
  let offset = 0;
  for (const field of fields) {
    out.set(field, offset);
    offset += field.length;
  }
  return out;
}
