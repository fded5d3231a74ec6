// The contact channels of the province (store desk, 10086 IVR and agent, outbound, SMS hall, web,
// WAP, app, account manager, self-service terminal) and what each can carry per day.
import { Type, type Static } from '@sinclair/typebox';
import { NotFound } from '../store/errors.ts';
import type { Db } from '../store/store.ts';

export const Channel = Type.Object({
  channelId: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: Type.String(),
  dailyCapacity: Type.Union([Type.Integer(), Type.Null()]),
  /** What one marketing contact costs on the channel (fen). */
  contactCostFen: Type.Integer(),
});
export type Channel = Static<typeof Channel>;

const channelColumns = `channel_id AS "channelId", name_zh AS "nameZh", name_en AS "nameEn", kind, daily_capacity AS "dailyCapacity",
  coalesce(contact_cost_fen, 0) AS "contactCostFen"`;

export async function listChannels(db: Db): Promise<Channel[]> {
  return db.query<Channel>(`SELECT ${channelColumns} FROM channels ORDER BY channel_id`);
}

export async function getChannel(db: Db, channelId: string): Promise<Channel> {
  const row = await db.one<Channel>(`SELECT ${channelColumns} FROM channels WHERE channel_id = $id`, { id: channelId });
  if (!row) throw new NotFound('Channel', channelId);
  return row;
}
