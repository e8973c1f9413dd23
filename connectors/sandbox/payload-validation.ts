/** The SDK's payload checks (see src/sdk/payload.ts), which every schema in this connector uses. */
export {
  definePayload,
  nonEmptyString,
  nullableString,
  type Payload,
  quantity,
  readJsonBody,
  stockCount,
  timestamp,
} from '../../src/sdk/index.ts';
