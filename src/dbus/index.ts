// SPDX-License-Identifier: MIT
// The D-Bus 1 message codec in one import, for the views and the exporters.
export * from './message.js';
export { decodeDbusMessage, type DbusDecodeOptions } from './decode.js';
export { encodeDbusMessage, DbusEncodeError, type DbusEncodeHeader, type DbusEncodeOptions } from './encode.js';
export { formatDbusValue, formatDbusBody, dbusValueToJson } from './format.js';
export {
  parseSignature,
  parseSingleCompleteType,
  isValidSignature,
  signatureOfValue,
  alignmentOf,
  type DbusType,
  type SignatureParseResult,
} from './signature.js';
export { objectPathError, interfaceNameError, memberNameError, errorNameError, busNameError } from './names.js';
