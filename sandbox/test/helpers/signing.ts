/** The credentials the simulator tests give the simulators, and the signature they should send. */
import { createHmac } from 'node:crypto';

export const API_KEY = 'sbx_test_key';
export const WEBHOOK_SECRET = 'sbx_test_secret';

/** Computed here, independently of the code under test, so a signing mistake there shows up. */
export function sign(body: Buffer | string, secret = WEBHOOK_SECRET): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}
