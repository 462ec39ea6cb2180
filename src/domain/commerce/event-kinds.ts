/** The kinds of event Daicho records attendance for, with their Japanese names. */
export const EVENT_KINDS = ['seminar', 'trade_show', 'webinar', 'workshop', 'briefing', 'other'] as const;

export const EVENT_KIND_LABELS: Record<(typeof EVENT_KINDS)[number], string> = {
  seminar: 'セミナー', trade_show: '展示会', webinar: 'ウェビナー', workshop: 'ワークショップ', briefing: '説明会', other: 'その他',
};
