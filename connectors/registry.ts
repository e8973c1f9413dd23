/** Every connector the hub knows, in one explicit list. Add yours here. */
import type { Connector } from '../src/sdk/index.ts';
import { sandbox3pl, sandboxStorefront } from './sandbox/index.ts';
import { createWooCommerceConnector } from './woocommerce/index.ts';

export const connectors: Connector[] = [sandboxStorefront, sandbox3pl, createWooCommerceConnector()];
