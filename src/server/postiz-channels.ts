import type { PostizClient } from '../postiz/postiz-client.js';
import type { ChannelsSource } from './server-parts.js';

/**
 * `GET /channels` from a Postiz server: its integrations, as `{id, name, provider, disabled, picture}`.
 *
 * @example
 * ```ts
 * buildServer({ app, channels: postizChannels(new PostizClient({ config: postizConfig({ serverUrl, apiKey }) })) });
 * ```
 */
export function postizChannels(client: Pick<PostizClient, 'integrations'>): ChannelsSource {
  return {
    async list() {
      return (await client.integrations()).map((i) => ({ id: i.id, name: i.name, provider: i.identifier, disabled: i.disabled, picture: i.picture }));
    },
  };
}
