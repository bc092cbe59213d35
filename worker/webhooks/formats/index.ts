/** The one list of webhook formats; a new one is a module here and a name in WEBHOOK_FORMAT_NAMES. */
import { discord } from './discord.js';
import { generic } from './generic.js';
import { ntfy } from './ntfy.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import { WEBHOOK_FORMAT_NAMES, type WebhookFormat, type WebhookFormatName } from './types.js';

export { WEBHOOK_FORMAT_NAMES };
export type { RenderedRequest, WebhookFormat, WebhookFormatName } from './types.js';

const BY_NAME: Record<WebhookFormatName, WebhookFormat> = { generic, slack, discord, teams, ntfy };

/** In WEBHOOK_FORMAT_NAMES order. */
export const webhookFormats: readonly WebhookFormat[] = WEBHOOK_FORMAT_NAMES.map((name) => BY_NAME[name]);

export function formatOf(name: WebhookFormatName): WebhookFormat {
  const format = BY_NAME[name];
  if (!format) throw new Error(`unknown webhook format ${JSON.stringify(name)}`);
  return format;
}
