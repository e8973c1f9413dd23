/**
 * The ShipBob channel the hub writes through. ShipBob asks for `shipbob_channel_id` on creates and
 * cancels, and says to use the channel from `GET /channel` that has `_write` scopes (its
 * quickstart). A token often sees several channels (its own, and those of the merchant's other
 * integrations); when more than one can be written through and the merchant named none, the hub
 * does not guess: it stops and lists them.
 */
import { NeedsHumanError } from '../../src/sdk/index.ts';
import { unexpectedResponse } from './api-errors.ts';
import type { ShipBobClient } from './client.ts';
import { readState, type ShipBobContext } from './connection.ts';
import { channelPage, idOf, type ShipBobChannel } from './payloads.ts';

const MAX_PAGES = 20;

export async function listChannels(client: ShipBobClient): Promise<ShipBobChannel[]> {
  const channels: ShipBobChannel[] = [];
  let response = await client.request({ method: 'GET', path: 'channel', query: { RecordsPerPage: 50 } });
  for (let page = 1; ; page += 1) {
    if (response.status !== 200) throw unexpectedResponse('GET /channel', response, 'channels_refused');
    const body = channelPage.fromResponse(response.body, 'GET /channel');
    channels.push(...(body.items ?? []));
    if (!body.next || page >= MAX_PAGES) return channels;
    response = await client.follow(body.next);
  }
}

export function writable(channel: ShipBobChannel): boolean {
  return (channel.scopes ?? []).some((scope) => scope.endsWith('_write'));
}

function describe(channel: ShipBobChannel): string {
  const app = channel.application_name ? ` (${channel.application_name})` : '';
  return `${idOf(channel.id)} “${channel.name ?? ''}”${app}`;
}

/** Pure: the chosen channel id, or a needs-human error that says what to set. */
export function chooseChannel(channels: ShipBobChannel[], requested: number | null): number {
  const candidates = channels.filter(writable);
  if (requested !== null) {
    const named = channels.find((channel) => idOf(channel.id) === String(requested));
    if (named && writable(named)) return requested;
    throw new NeedsHumanError(
      named ? 'channel_not_writable' : 'channel_not_found',
      named
        ? `ShipBob channel ${requested} has no write scopes for this token; channels that do: ${candidates.map(describe).join(', ') || 'none'}`
        : `this token sees no ShipBob channel ${requested}; channels with write scopes: ${candidates.map(describe).join(', ') || 'none'}`,
      { requested, candidates: candidates.map((c) => idOf(c.id)) },
    );
  }
  if (candidates.length === 1) return Number((candidates[0] as ShipBobChannel).id);
  if (candidates.length === 0) {
    throw new NeedsHumanError(
      'no_writable_channel',
      'this ShipBob token sees no channel with write scopes: generate the token (or install the app) as the account’s root user',
      { channels: channels.map((c) => idOf(c.id)) },
    );
  }
  throw new NeedsHumanError(
    'channel_choice_needed',
    `this ShipBob token can write through several channels; set the connection's channelId to one of: ${candidates.map(describe).join(', ')}`,
    {
      candidates: candidates.map((c) => ({
        id: idOf(c.id),
        name: c.name ?? null,
        application: c.application_name ?? null,
      })),
    },
  );
}

/**
 * The channel to write through: the one the settings name (checked against `GET /channel` once and
 * remembered), or the only writable one. Remembered in the connection's state.
 */
export async function resolveChannel(context: ShipBobContext, client: ShipBobClient): Promise<number> {
  const requested = context.settings.channelId ?? null;
  const known = readState(context.state).channelId;
  if (known !== null && (requested === null || requested === known)) return known;
  const chosen = chooseChannel(await listChannels(client), requested);
  await context.saveState({ channelId: chosen });
  return chosen;
}
