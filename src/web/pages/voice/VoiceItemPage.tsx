/**
 * 顧客の声の詳細: the text with the words that decided its sentiment underlined and listed (the scorer is a lexicon:
 * each word, its weight and whether it was negated), the customer and where it came from, the score, products and
 * attachments' names; the tags (by rule or by hand, added and removed here), the items of its theme, the status
 * (完了 confirmed), team, owner and due date, internal comments, and a reply by e-mail that says whether it left
 * through SMTP or waits in the outbox (未送信).
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, voiceApi, type VoiceItemDetail } from '../../api.ts';
import { formatDate, formatDateTime } from '../../format.ts';
import { useOwners } from '../../hooks.ts';
import { useI18n } from '../../i18n.ts';
import { Link } from '../../router.ts';
import { useSession } from '../../session.tsx';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { TierBadge } from '../../components/TierBadge.tsx';
import { ErrorBanner, FormField, Loading, Notice, PageHeader, useLoad } from '../../components/ui.tsx';
import { evidenceWords, markEvidenceWords } from './evidence.ts';
import { ChannelLabel, SentimentBadge, TagChips, VoiceStatusBadge, useVoiceChoices } from './parts.tsx';
import { isOverdue, todayInJapan, voiceInboxPath, VOICE_STATUS_CODES } from './voice-filters.ts';

type Item = VoiceItemDetail;

export function VoiceItemPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { can } = useSession();
  const loaded = useLoad(() => voiceApi.get(id), [id]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const item = loaded.data;
  if (!item) {
    return (
      <div className="page">
        <Link to="/voice" className="back-link">{t('voice.back')}</Link>
        {loaded.loading ? <Loading /> : <ErrorBanner error={loaded.error} />}
      </div>
    );
  }
  const mayWrite = can('voice:write');
  /** Runs a change; the answer is the item after it. */
  const act = async (run: () => Promise<Item>, done: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      loaded.setData(await run());
      setNotice(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const setStatus = (status: Item['status']) => {
    if (status === 'done' && !window.confirm(t('voice.confirmDone'))) return;
    void act(() => voiceApi.update(item.id, { status }), t('voice.statusChanged', { status: t(`voice.status.${status}`) }));
  };

  return (
    <div className="page" data-testid="voice-item-page" data-status={item.status}>
      <Link to="/voice" className="back-link">{t('voice.back')}</Link>
      <PageHeader
        title={<span data-testid="voice-title" className={item.masked ? 'masked-value' : undefined}>{item.subject ?? t('voice.title')}</span>}
        sub={
          <span className="seg-detail-sub">
            <VoiceStatusBadge status={item.status} />
            <SentimentBadge sentiment={item.sentiment} score={item.sentimentScore} />
            <ChannelLabel channel={item.channel} />
            <span className="muted">{formatDateTime(item.receivedAt)}</span>
          </span>
        }
        actions={mayWrite && VOICE_STATUS_CODES.filter((s) => s !== item.status).map((s) => (
          <Button key={s} variant={s === 'done' ? 'primary' : 'default'} disabled={busy} onClick={() => setStatus(s)} data-testid={`voice-set-${s}`}>
            {t('voice.setStatus', { status: t(`voice.status.${s}`) })}
          </Button>
        ))}
      />
      <VoiceError error={error} />
      {notice && <Notice testId="voice-notice">{notice}</Notice>}
      {item.masked && <div className="alert alert-mask" data-testid="voice-masked">{t('voice.maskedNote')}</div>}
      <div className="seg-layout">
        <div className="seg-main">
          <TextCard item={item} />
          <CommentsCard item={item} mayWrite={mayWrite} busy={busy} onAdd={(body) => act(() => voiceApi.comment(item.id, body), t('voice.commentAdded'))} />
          <ReplyCard item={item} mayWrite={mayWrite} busy={busy} onSend={async (input) => {
            const before = item.replies.length;
            setBusy(true);
            setError(null);
            setNotice(null);
            try {
              const next = await voiceApi.reply(item.id, input);
              loaded.setData(next);
              const sent = next.replies.length > before ? next.replies[next.replies.length - 1] : null;
              setNotice(sent?.transport === 'smtp' ? t('voice.replySentSmtp') : t('voice.replySentOutbox'));
              return true;
            } catch (e) {
              setError(e);
              return false;
            } finally {
              setBusy(false);
            }
          }} />
        </div>
        <aside className="seg-side voice-side">
          <FactsCard item={item} />
          <HandlingCard key={`${item.teamId}|${item.assigneeUserId}|${item.dueOn}`} item={item} mayWrite={mayWrite} busy={busy}
            onSave={(patch) => void act(() => voiceApi.update(item.id, patch), t('voice.saved'))} />
          <TagsCard item={item} mayWrite={mayWrite} busy={busy}
            onAdd={(tag) => act(() => voiceApi.addTag(item.id, tag), t('voice.tag.added', { tag }))}
            onRemove={(tag) => void act(() => voiceApi.removeTag(item.id, tag), t('voice.tag.removed', { tag }))} />
          <GroupCard item={item} />
        </aside>
      </div>
    </div>
  );
}

/** What a failed reply names (the server's field): the reply's own message and what to do about it, beyond the banner's reason. */
const REPLY_FAILURES = ['to', 'fromEmail', 'smtp'] as const;

function VoiceError({ error }: { error: unknown }) {
  const { t } = useI18n();
  const failure = error instanceof ApiError && error.code === 'conflict'
    ? error.fieldErrors.find((f) => (REPLY_FAILURES as readonly string[]).includes(f.field)) : undefined;
  if (!failure) return <ErrorBanner error={error} testId="voice-error" />;
  return (
    <div className="alert alert-error" role="alert" data-testid="voice-error" data-reason={failure.field}>
      <strong>{t(`voice.replyFailed.${failure.field as (typeof REPLY_FAILURES)[number]}`)}</strong>
      {failure.field === 'fromEmail' && <> <Link to="/messaging-settings">{t('voice.replyFailed.openSettings')}</Link></>}
      {failure.field === 'smtp' && <div className="small" data-testid="voice-error-detail">{failure.message}</div>}
    </div>
  );
}

function TextCard({ item }: { item: Item }) {
  const { t } = useI18n();
  const words = evidenceWords(item.sentimentEvidence);
  const runs = item.masked ? [{ text: item.text, hit: null }] : markEvidenceWords(item.text, words);
  return (
    <section className="card" data-testid="voice-text-card">
      <div className="card-header"><h2>{t('voice.detail.text')}</h2></div>
      <p className={`voice-text${item.masked ? ' masked-value' : ''}`} data-testid="voice-text">
        {runs.map((r, i) => (r.hit ? <mark key={i} className="voice-evidence-mark" title={r.hit}>{r.text}</mark> : <span key={i}>{r.text}</span>))}
      </p>
      <div className="voice-sentiment-box" data-testid="voice-evidence">
        <div className="voice-sentiment-head">
          <strong>{t('voice.sentimentTitle')}</strong> <SentimentBadge sentiment={item.sentiment} />
          <span className="muted small tabular">{t('voice.sentimentScore', { score: item.sentimentScore.toFixed(2) })}</span>
        </div>
        {words.length === 0 ? <p className="muted small">{t('voice.evidenceNone')}</p> : (
          <>
            <p className="muted small">{t('voice.evidenceLead')}</p>
            <ul className="voice-evidence-list">
              {words.map((w, i) => (
                <li key={`${w.term}-${i}`} data-testid="voice-evidence-word" data-polarity={w.polarity < 0 ? 'negative' : 'positive'}>
                  <span className={`badge ${w.polarity < 0 ? 'badge-danger' : 'badge-ok'}`}>{w.term}</span>
                  <span className="small muted tabular">
                    {' '}{t(w.polarity < 0 ? 'voice.evidence.neg' : 'voice.evidence.pos')} {w.polarity > 0 ? '+' : ''}{w.polarity.toFixed(2)}
                    {w.weight !== 1 && ` ×${w.weight}`}
                    {w.negated && ` · ${t('voice.evidence.negated')}`}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId: string }) {
  const empty = children === null || children === undefined || children === '' || (Array.isArray(children) && children.length === 0);
  return (
    <div className="kv-row" data-testid={testId}>
      <dt>{label}</dt>
      <dd><div className="kv-value">{empty ? <span className="muted">—</span> : children}</div></dd>
    </div>
  );
}

function FactsCard({ item }: { item: Item }) {
  const { t } = useI18n();
  const score = item.score === null ? null
    : item.scoreKind === 'csat' ? t('voice.score.csat', { score: item.score, max: item.scoreMax ?? 5 })
      : t('voice.score.nps', { score: item.score });
  return (
    <section className="card voice-facts" data-testid="voice-facts">
      <dl className="kv">
        <Fact label={t('voice.detail.customer')} testId="voice-fact-customer">
          <Link to={`/customers/${item.customerId}`} data-testid="voice-customer-link">
            <span className={item.masked ? 'masked-value' : undefined}>{item.customerName ?? t('voice.unknownCustomer')}</span>
          </Link>
          {item.customerTier && <> <TierBadge tier={item.customerTier} /></>}
        </Fact>
        {item.sender && <Fact label={t('voice.detail.sender')} testId="voice-fact-sender"><span className={item.masked ? 'masked-value' : undefined}>{item.sender}</span></Fact>}
        <Fact label={t('voice.detail.channel')} testId="voice-fact-channel">
          <ChannelLabel channel={item.channel} />
          {item.formId && <> · <Link to={`/forms/${item.formId}`} className="small">{t('voice.detail.form')}</Link></>}
        </Fact>
        <Fact label={t('voice.detail.received')} testId="voice-fact-received"><span className="tabular">{formatDateTime(item.receivedAt)}</span></Fact>
        <Fact label={t('voice.detail.score')} testId="voice-fact-score">{score}</Fact>
        <Fact label={t('voice.detail.products')} testId="voice-fact-products">
          {item.productSkus.length > 0 && <span className="badge-list">{item.productSkus.map((s) => <Link key={s} to={voiceInboxPath({ product: s })} className="badge">{s}</Link>)}</span>}
        </Fact>
        <Fact label={t('voice.detail.attachments')} testId="voice-fact-attachments">
          {item.attachmentNames.length > 0 && <ul className="voice-attachments">{item.attachmentNames.map((n) => <li key={n}><Icon name="note" size={12} /> {n}</li>)}</ul>}
        </Fact>
        <Fact label={t('voice.detail.language')} testId="voice-fact-language">{t(`voice.lang.${item.language}`)}</Fact>
      </dl>
    </section>
  );
}

function HandlingCard({ item, mayWrite, busy, onSave }: {
  item: Item;
  mayWrite: boolean;
  busy: boolean;
  onSave: (patch: { teamId: string | null; assigneeUserId: string | null; dueOn: string | null }) => void;
}) {
  const { t } = useI18n();
  const owners = useOwners();
  const { teams } = useVoiceChoices();
  const [teamId, setTeamId] = useState(item.teamId ?? '');
  const [assignee, setAssignee] = useState(item.assigneeUserId ?? '');
  const [due, setDue] = useState(item.dueOn ?? '');
  const overdue = isOverdue(item, todayInJapan());
  const changed = teamId !== (item.teamId ?? '') || assignee !== (item.assigneeUserId ?? '') || due !== (item.dueOn ?? '');
  if (!mayWrite) {
    return (
      <section className="card" data-testid="voice-handling">
        <div className="card-header"><h2>{t('voice.handling')}</h2></div>
        <dl className="kv">
          <Fact label={t('voice.team')} testId="voice-fact-team">{item.teamName}</Fact>
          <Fact label={t('voice.assignee')} testId="voice-fact-assignee">{item.assigneeName}</Fact>
          <Fact label={t('voice.due')} testId="voice-fact-due">{item.dueOn && formatDate(item.dueOn)}</Fact>
        </dl>
      </section>
    );
  }
  return (
    <section className="card" data-testid="voice-handling">
      <div className="card-header">
        <h2>{t('voice.handling')}</h2>
        {item.routingRuleId && <span className="muted small" data-testid="voice-routed">{t('voice.routedBy')}</span>}
      </div>
      <form className="voice-handling-form" onSubmit={(e) => { e.preventDefault(); onSave({ teamId: teamId || null, assigneeUserId: assignee || null, dueOn: due || null }); }}>
        <label>
          <span className="small muted">{t('voice.team')}</span>
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)} data-testid="voice-team-select">
            <option value="">{t('voice.none')}</option>
            {teams.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
            {item.teamId && !teams.some((x) => x.id === item.teamId) && <option value={item.teamId}>{item.teamName ?? item.teamId}</option>}
          </select>
        </label>
        <label>
          <span className="small muted">{t('voice.assignee')}</span>
          <select value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="voice-assignee-select">
            <option value="">{t('voice.none')}</option>
            {owners.map((o) => <option key={o.id} value={o.id}>{o.displayName}</option>)}
            {item.assigneeUserId && !owners.some((o) => o.id === item.assigneeUserId) && <option value={item.assigneeUserId}>{item.assigneeName ?? item.assigneeUserId}</option>}
          </select>
        </label>
        <label>
          <span className="small muted">{t('voice.due')}{overdue && <> <span className="badge badge-danger">{t('voice.overdue')}</span></>}</span>
          <input type="date" value={due} onChange={(e) => setDue(e.target.value)} data-testid="voice-due-input" />
        </label>
        <Button type="submit" small variant="primary" disabled={busy || !changed} data-testid="voice-handling-save">{t('voice.saveHandling')}</Button>
      </form>
    </section>
  );
}

function TagsCard({ item, mayWrite, busy, onAdd, onRemove }: {
  item: Item;
  mayWrite: boolean;
  busy: boolean;
  onAdd: (tag: string) => Promise<boolean>;
  onRemove: (tag: string) => void;
}) {
  const { t } = useI18n();
  const { tags } = useVoiceChoices();
  const [tag, setTag] = useState('');
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const value = tag.trim();
    if (value && (await onAdd(value))) setTag('');
  };
  return (
    <section className="card" data-testid="voice-tags-card">
      <div className="card-header"><h2>{t('voice.tagsTitle')}</h2></div>
      {!mayWrite ? <TagChips tags={item.tags} /> : (
        <>
          {item.tags.length === 0 && <p className="muted small">{t('voice.noTags')}</p>}
          <ul className="voice-tag-edit">
            {item.tags.map((x) => (
              <li key={x.tag} data-testid="voice-tag" data-tag={x.tag} data-origin={x.origin}>
                <span className="badge voice-tag">{x.tag}</span>
                <span className="muted small">{t(x.origin === 'rule' ? 'voice.tag.rule' : 'voice.tag.manual')}</span>
                <button type="button" className="voice-tag-remove" aria-label={t('voice.tag.remove', { tag: x.tag })} title={t('voice.tag.remove', { tag: x.tag })}
                  disabled={busy} onClick={() => onRemove(x.tag)} data-testid="voice-tag-remove">×</button>
              </li>
            ))}
          </ul>
          <form className="voice-tag-add" onSubmit={(e) => void add(e)}>
            <input list="voice-tag-options" value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('voice.tag.placeholder')} aria-label={t('voice.tag.add')} maxLength={60} data-testid="voice-tag-input" />
            <datalist id="voice-tag-options">{tags.filter((x) => !item.tags.some((y) => y.tag === x)).map((x) => <option key={x} value={x} />)}</datalist>
            <Button type="submit" small disabled={busy || !tag.trim()} data-testid="voice-tag-add">{t('common.add')}</Button>
          </form>
        </>
      )}
    </section>
  );
}

function GroupCard({ item }: { item: Item }) {
  const { t } = useI18n();
  const g = item.group;
  const others = useLoad(() => (g ? voiceApi.list({ groupId: g.id, limit: 6 }) : Promise.resolve(null)), [g?.id]);
  const rows = (others.data?.items ?? []).filter((x) => x.id !== item.id).slice(0, 5);
  return (
    <section className="card" data-testid="voice-group">
      <div className="card-header"><h2>{t('voice.group')}</h2></div>
      {!g ? <p className="muted small">{t('voice.groupNone')}</p> : (
        <>
          <p className="small" data-testid="voice-group-label">{t('voice.groupLead', { label: g.label, n: g.itemCount, neg: g.negative })}</p>
          <ul className="voice-similar">
            {rows.map((x) => (
              <li key={x.id} data-testid="voice-similar">
                <SentimentBadge sentiment={x.sentiment} />{' '}
                <Link to={`/voice/${x.id}`} className={x.masked ? 'masked-value' : undefined}>{x.text.slice(0, 60)}{x.text.length > 60 ? '…' : ''}</Link>
                <div className="muted small">{[x.customerName, formatDate(x.receivedAt)].filter(Boolean).join(' · ')}</div>
              </li>
            ))}
          </ul>
          {g.itemCount > 1 && <Link to={voiceInboxPath({ groupId: g.id })} className="small" data-testid="voice-group-open">{t('voice.groupOpen')}</Link>}
        </>
      )}
    </section>
  );
}

function CommentsCard({ item, mayWrite, busy, onAdd }: { item: Item; mayWrite: boolean; busy: boolean; onAdd: (body: string) => Promise<boolean> }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  return (
    <section className="card" data-testid="voice-comments">
      <div className="card-header"><h2>{t('voice.comments')}</h2><span className="muted small">{t('voice.commentsLead')}</span></div>
      {item.comments.length === 0 ? <p className="muted small">{t('voice.commentNone')}</p> : (
        <ul className="voice-comments">
          {item.comments.map((c) => (
            <li key={c.id} data-testid="voice-comment">
              <div className="small muted">{[c.authorName, formatDateTime(c.createdAt)].filter(Boolean).join(' · ')}</div>
              <p className={`note-body${item.masked ? ' masked-value' : ''}`}>{c.body}</p>
            </li>
          ))}
        </ul>
      )}
      {mayWrite && (
        <form className="voice-comment-form" onSubmit={(e) => { e.preventDefault(); if (body.trim()) void onAdd(body.trim()).then((ok) => { if (ok) setBody(''); }); }}>
          <textarea rows={2} value={body} onChange={(e) => setBody(e.target.value)} placeholder={t('voice.commentPlaceholder')} aria-label={t('voice.commentPlaceholder')} data-testid="voice-comment-input" />
          <Button type="submit" small disabled={busy || !body.trim()} data-testid="voice-comment-add">{t('voice.commentAdd')}</Button>
        </form>
      )}
    </section>
  );
}

function ReplyCard({ item, mayWrite, busy, onSend }: {
  item: Item;
  mayWrite: boolean;
  busy: boolean;
  onSend: (input: { subject: string; body: string; markDone: boolean }) => Promise<boolean>;
}) {
  const { t } = useI18n();
  const [subject, setSubject] = useState(() => (item.subject && !item.masked ? t('voice.replyDefaultSubject', { subject: item.subject }) : t('voice.replyDefaultSubjectNone')));
  const [body, setBody] = useState('');
  const [markDone, setMarkDone] = useState(true);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!item.replyTo || !window.confirm(t('voice.replyConfirm', { to: item.replyTo }))) return;
    if (await onSend({ subject, body, markDone })) setBody('');
  };
  return (
    <section className="card" data-testid="voice-reply">
      <div className="card-header"><h2>{t('voice.reply')}</h2></div>
      {item.replies.length > 0 && (
        <ul className="voice-replies" data-testid="voice-replies">
          {item.replies.map((r) => (
            <li key={r.id} data-testid="voice-reply-sent" data-transport={r.transport}>
              <div className="small">
                <span className={`badge ${r.transport === 'smtp' ? 'badge-ok' : 'badge-warn'}`} data-testid="voice-reply-transport">{t(`voice.transport.${r.transport}`)}</span>{' '}
                <span className="muted">{[r.toAddress, r.sentByName, formatDateTime(r.sentAt)].filter(Boolean).join(' · ')}</span>
              </div>
              <div className="strong small">{r.subject}</div>
              <p className={`note-body${item.masked ? ' masked-value' : ''}`}>{r.body}</p>
            </li>
          ))}
        </ul>
      )}
      {mayWrite && (!item.replyTo ? <p className="muted small" data-testid="voice-reply-no-address">{t('voice.replyNoAddress')}</p> : (
        <form onSubmit={(e) => void send(e)} noValidate data-testid="voice-reply-form">
          <div className="small" data-testid="voice-reply-to">{t('voice.replyTo')}: <span className={item.masked ? 'masked-value' : 'strong'}>{item.replyTo}</span></div>
          <FormField label={t('voice.replySubject')} name="replySubject" required>
            <input id="input-replySubject" value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={300} data-testid="voice-reply-subject" />
          </FormField>
          <FormField label={t('voice.replyBody')} name="replyBody" required>
            <textarea id="input-replyBody" rows={6} value={body} onChange={(e) => setBody(e.target.value)} data-testid="voice-reply-body" />
          </FormField>
          <div className="form-actions">
            <label className="checkbox"><input type="checkbox" checked={markDone} onChange={(e) => setMarkDone(e.target.checked)} data-testid="voice-reply-done" /> {t('voice.replyMarkDone')}</label>
            <Button type="submit" variant="primary" disabled={busy || !subject.trim() || !body.trim()} data-testid="voice-reply-send">{busy ? t('voice.replySending') : t('voice.replySend')}</Button>
          </div>
        </form>
      ))}
    </section>
  );
}
