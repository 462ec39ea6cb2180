/**
 * Pieces the voice pages share: the status, sentiment and channel badges, the tag chips, and the option lists (teams,
 * tags) the filters and forms choose from.
 */
import { voiceApi, type VoiceItem } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Icon, type IconName } from '../../components/Icon.tsx';
import { useLoad } from '../../components/ui.tsx';

type Status = VoiceItem['status'];
type Sentiment = VoiceItem['sentiment'];
type Channel = VoiceItem['channel'];

const STATUS_CLASS: Record<Status, string> = { new: 'badge voice-status-new', in_progress: 'badge badge-warn', done: 'badge badge-ok' };
const SENTIMENT_CLASS: Record<Sentiment, string> = { positive: 'badge badge-ok', neutral: 'badge badge-off', negative: 'badge badge-danger' };

export function VoiceStatusBadge({ status }: { status: Status }) {
  const { t } = useI18n();
  return <span className={STATUS_CLASS[status]} data-testid="voice-status" data-status={status}>{t(`voice.status.${status}`)}</span>;
}

export function SentimentBadge({ sentiment, score }: { sentiment: Sentiment; score?: number }) {
  const { t } = useI18n();
  const title = score === undefined ? undefined : t('voice.sentimentScore', { score: score.toFixed(2) });
  return <span className={SENTIMENT_CLASS[sentiment]} title={title} data-testid="voice-sentiment" data-sentiment={sentiment}>{t(`voice.sentiment.${sentiment}`)}</span>;
}

const CHANNEL_ICON: Record<Channel, IconName> = { form: 'form', email: 'mail', import: 'download', note: 'note', api: 'link' };

/** Where an item came from, as a small badge with its icon; an inbound e-mail stands out (its own colour). */
export function ChannelLabel({ channel }: { channel: Channel }) {
  const { t } = useI18n();
  return (
    <span className={`badge voice-channel voice-channel-${channel} nowrap`} data-testid="voice-channel" data-channel={channel} title={t(`voice.channelHint.${channel}`)}>
      <Icon name={CHANNEL_ICON[channel]} size={11} /> {t(`voice.channel.${channel}`)}
    </span>
  );
}

export function TagChips({ tags }: { tags: VoiceItem['tags'] }) {
  const { t } = useI18n();
  if (tags.length === 0) return <span className="muted small">{t('voice.noTags')}</span>;
  return (
    <span className="badge-list" data-testid="voice-tags">
      {tags.map((x) => (
        <span key={x.tag} className="badge voice-tag" title={t(x.origin === 'rule' ? 'voice.tag.rule' : 'voice.tag.manual')} data-testid="voice-tag" data-tag={x.tag}>{x.tag}</span>
      ))}
    </span>
  );
}

/** Teams and tags for the filters and forms; empty lists while loading or when not allowed. */
export function useVoiceChoices() {
  const teams = useLoad(() => voiceApi.teams(), []);
  const tags = useLoad(() => voiceApi.tags(), []);
  const tagNames = [...new Set([...(tags.data?.topics ?? []), ...(tags.data?.items.map((x) => x.tag) ?? [])])];
  return { teams: teams.data?.items ?? [], tags: tagNames, reloadTeams: teams.reload };
}
