/**
 * Reads a Redis server's `maxmemory-policy`. Any policy but `noeviction` lets Redis drop keys under memory
 * pressure, and the bridge's outbox, interview records and leases are keys: evicting one loses a result or
 * runs a job twice. Used by `cli doctor`; a separate short-lived connection, so no store is needed.
 */
import { createClient } from '@keyv/redis';

/** The policy, or an error message when it cannot be read (managed Redis often disables CONFIG). */
export async function readMaxmemoryPolicy(url: string, timeoutMs = 2000): Promise<{ policy: string } | { error: string }> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const reply = (await client.sendCommand(['CONFIG', 'GET', 'maxmemory-policy'])) as unknown;
    const values = Array.isArray(reply) ? reply.map(String) : [];
    const policy = values[1];
    return policy ? { policy } : { error: 'CONFIG GET maxmemory-policy returned nothing' };
  } catch (err) {
    return { error: (err as Error).message };
  } finally {
    if (client.isOpen) await client.close().catch(() => client.destroy());
  }
}
