import { ChannelAccount } from 'botframework-connector/lib/connectorApi/models/mappers';

/**
 * Teams notifies a tag only when the mention entity says `mentioned.type: "tag"` (DESIGN §7
 * "Mentions"), but botframework-connector serializes `mentioned` as a ChannelAccount, whose mapper
 * knows id, name, aadObjectId, role and properties, and drops the rest. This teaches the mapper the one
 * more property Teams reads; a ChannelAccount without `type` serializes exactly as before. Proven over
 * HTTP by the escalation tests (the fake Bot Connector receives `type: "tag"`).
 */
export function serializeTagMentions(): void {
  const properties = (ChannelAccount.type as { modelProperties?: Record<string, unknown> })
    .modelProperties;
  if (properties && !('type' in properties))
    properties.type = { serializedName: 'type', type: { name: 'String' } };
}
