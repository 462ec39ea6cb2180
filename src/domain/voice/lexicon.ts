/**
 * The polarity lexicon of the voice-of-customer sentiment scorer (issue 24).
 *
 * Origin: written by hand for Daicho from general knowledge of Japanese and English customer feedback (complaints,
 * praise, survey comments about food, software, appliances and services). It is NOT derived from any published
 * sentiment dictionary and was written before the evaluation set (test/fixtures/voice/sentiment-ja.tsv); entries were
 * not added to fix single sentences of that set. Polarity is in −1..1: ±1 for words that settle the matter on their own
 * (最悪, 最高), ±0.5–0.8 for ordinary praise/complaint, ±0.2–0.4 for words that lean one way (問題, 手間, 返品).
 *
 * Surface forms are written after NFKC and lower-casing (the scorer normalises the text the same way). Japanese
 * i-adjectives are listed once in their dictionary form and expanded to the conjugated stems that appear in feedback
 * (遅い → 遅い, 遅く, 遅かっ, 遅すぎ, 遅さ, 遅け), so negation and intensity see the same term whatever the ending.
 */

export type TermKind = 'word' | 'emoji' | 'english';

export interface LexiconEntry {
  /** Normalised surface form searched in the text. */
  term: string;
  /** The dictionary form shown as evidence (遅かっ → 遅い). */
  lemma: string;
  polarity: number;
  kind: TermKind;
  /** Polarity taken from the context instead (高い: price or quality); see `contextualPolarity` in sentiment.ts. */
  contextual?: 'high' | 'low';
  /** The form is the 〜すぎ (excess) form: a complaint even for neutral adjectives, stronger for negative ones. */
  excess?: boolean;
}

/** i-adjectives (dictionary form → polarity). Expanded by `adjectiveForms`. */
const ADJECTIVES: Readonly<Record<string, number>> = {
  // praise
  '良い': 0.7, 'よい': 0.7, '美味しい': 0.8, 'おいしい': 0.8, 'うまい': 0.6, '旨い': 0.7, '嬉しい': 0.7, 'うれしい': 0.7,
  '素晴らしい': 0.9, 'すばらしい': 0.9, '使いやすい': 0.7, '分かりやすい': 0.6, 'わかりやすい': 0.6, '見やすい': 0.5,
  '読みやすい': 0.5, '優しい': 0.6, 'やさしい': 0.5, '早い': 0.5, '速い': 0.5, '素早い': 0.6, '心地よい': 0.6,
  '頼もしい': 0.6, '楽しい': 0.6, '美しい': 0.6, '可愛い': 0.6, 'かわいい': 0.6, '温かい': 0.4, 'ありがたい': 0.7,
  '有難い': 0.7, '有り難い': 0.7, '軽い': 0.3, '明るい': 0.4, '柔らかい': 0.3, '香ばしい': 0.6, '暖かい': 0.3,
  '安い': 0.5, '手頃': 0.5,
  // complaint
  '悪い': -0.7, '遅い': -0.6, '酷い': -0.8, 'ひどい': -0.8, '使いにくい': -0.7, '使いづらい': -0.7, '分かりにくい': -0.6,
  'わかりにくい': -0.6, '分かりづらい': -0.6, 'わかりづらい': -0.6, '見にくい': -0.5, '見づらい': -0.5, '読みにくい': -0.5,
  '不味い': -0.8, 'まずい': -0.6, '臭い': -0.6, 'くさい': -0.6, '汚い': -0.6, 'うるさい': -0.6, '煩い': -0.6,
  '悲しい': -0.6, '寂しい': -0.4, '恥ずかしい': -0.4, '難しい': -0.4, 'ややこしい': -0.5, '面倒くさい': -0.6,
  'めんどくさい': -0.6, '重い': -0.4, '痛い': -0.4, '怖い': -0.5, '危ない': -0.6, '危うい': -0.5, '冷たい': -0.3,
  '少ない': -0.3, '足りない': -0.4, '物足りない': -0.5, 'つまらない': -0.6, 'くだらない': -0.7, '情けない': -0.7,
  '申し訳ない': -0.3, '安っぽい': -0.6, '脆い': -0.6, 'もろい': -0.5, '薄い': -0.3, 'まぶしい': -0.3, '眩しい': -0.3,
  '細かい': -0.2, '暑い': -0.3, '寒い': -0.3, '硬い': -0.2, '固い': -0.2, 'きつい': -0.4, '辛い': -0.3,
  // ambiguous in feedback: price (negative) or quality (positive); resolved from the clause in sentiment.ts
  '高い': -0.6,
};

/** Adjectives whose polarity depends on what they describe. */
const CONTEXTUAL: Readonly<Record<string, 'high' | 'low'>> = { '高い': 'high' };

/** Words and phrases (nouns, na-adjective stems, verb stems, set phrases). */
const WORDS: Readonly<Record<string, number>> = {
  // praise: quality and experience
  '最高': 1, '最高に': 1, '満足': 0.8, '大満足': 1, '丁寧': 0.7, '親切': 0.7, '迅速': 0.7, '便利': 0.7, '快適': 0.7,
  '感謝': 0.8, 'ありがとう': 0.7, '有難う': 0.7, '有り難う': 0.7, '助かり': 0.7, '助かっ': 0.7, '助かる': 0.7,
  '助けられ': 0.6, '気に入っ': 0.8, '気に入り': 0.8, 'お気に入り': 0.7, '素敵': 0.8, 'すてき': 0.8, '安心': 0.6,
  '信頼': 0.5, 'おすすめ': 0.7, 'オススメ': 0.7, 'お勧め': 0.7, 'お薦め': 0.7, 'リピート': 0.6, 'リピ買い': 0.7,
  '期待以上': 0.9, '想像以上': 0.7, '感動': 0.8, '綺麗': 0.6, 'きれい': 0.6, 'キレイ': 0.6, '清潔': 0.6, '新鮮': 0.6,
  '好き': 0.6, '大好き': 0.9, '役立': 0.6, '役に立': 0.6, '役立っ': 0.6, '解決し': 0.6, '解決でき': 0.6, '解決され': 0.6,
  '改善され': 0.5, 'スムーズ': 0.6, '丈夫': 0.6, '頑丈': 0.6, '静か': 0.4, '完璧': 0.9, '申し分ない': 0.9,
  '文句なし': 0.8, '文句無し': 0.8, '言うことなし': 0.8, '言うことない': 0.8, '素晴らし': 0.9, '絶品': 1, '抜群': 0.8,
  '優秀': 0.7, '上品': 0.6, '快く': 0.6, '好印象': 0.7, '良心的': 0.7, 'お得': 0.6, 'おトク': 0.6, 'お買い得': 0.6,
  '手軽': 0.5, '簡単': 0.5, '楽に': 0.4, '楽になり': 0.6, '楽になっ': 0.6, '効率化': 0.5, '時短': 0.5, '使い勝手が良': 0.7,
  '喜ん': 0.7, '喜び': 0.6, '喜ばれ': 0.7, '感心': 0.6, '心強': 0.6, 'ほっとし': 0.5, 'ホッとし': 0.5, '安定し': 0.4,
  '見事': 0.7, '見やすく': 0.5, 'さすが': 0.6, '流石': 0.6, '誠実': 0.7, '的確': 0.7, 'ぴったり': 0.5, 'ピッタリ': 0.5,
  'ちょうどいい': 0.5, 'ちょうど良い': 0.5, '美味': 0.8, 'いい': 0.6, '良かっ': 0.7, 'よかっ': 0.7, '良く': 0.6,
  '良さ': 0.5, 'よさ': 0.5, '助け': 0.4, '神対応': 1, '大変お世話': 0.5, 'お世話になり': 0.3, '頼りにな': 0.6,
  // complaint: product faults
  '壊れ': -0.8, '故障': -0.7, '不良': -0.7, '不良品': -0.8, '初期不良': -0.8, '不具合': -0.6, 'バグ': -0.6, 'エラー': -0.5,
  '落ちる': -0.5, '落ちます': -0.5, '落ちて': -0.5, '落ちた': -0.5, '落ちまし': -0.5, 'フリーズ': -0.6, '固まる': -0.5,
  '固まっ': -0.5, '固まり': -0.5, '動かない': -0.7, '動きません': -0.7, '動かなく': -0.7, '使えない': -0.7,
  '使えません': -0.7, '使えなく': -0.7, '起動しない': -0.7, '起動しません': -0.7, '反応しない': -0.6, '反応しません': -0.6,
  'つながらない': -0.7, 'つながりません': -0.7, '繋がらない': -0.7, '繋がりません': -0.7, '不安定': -0.6, '異音': -0.6,
  '異臭': -0.7, '異物': -0.8, '破損': -0.7, '割れ': -0.6, '欠け': -0.5, '傷': -0.4, 'キズ': -0.4, '汚れ': -0.5,
  '腐っ': -0.9, 'カビ': -0.8, 'かび': -0.8, '期限切れ': -0.7, '劣化': -0.5, '改悪': -0.8, '不衛生': -0.8, '水漏れ': -0.7,
  '焦げ': -0.3, '漏れ': -0.5, '欠陥': -0.8, '誤作動': -0.7, '消え': -0.3, '文字化け': -0.6, 'できない': -0.4,
  'できません': -0.4, 'できなかっ': -0.4, '出来ない': -0.4, '出来ません': -0.4, 'できなく': -0.4,
  // complaint: delivery and service
  '遅れ': -0.5, '遅延': -0.6, '届かない': -0.6, '届きません': -0.6, '届かず': -0.6, '届いていない': -0.6,
  '届いていません': -0.6, '届いてない': -0.6, '未着': -0.6, '欠品': -0.5, '誤配': -0.6, '間違っ': -0.5, '間違い': -0.5,
  '連絡がない': -0.6, '連絡がありません': -0.6, '連絡もない': -0.6, '返信がない': -0.6, '返信がありません': -0.6,
  '返事がない': -0.6, '待たされ': -0.6, '待たせ': -0.4, '待ち時間': -0.3, 'たらい回し': -0.8, '放置': -0.6,
  '失礼': -0.7, '横柄': -0.8, '不親切': -0.7, '不誠実': -0.8, '不愉快': -0.8, '不快': -0.7, '無愛想': -0.6, '乱暴': -0.6,
  '雑な': -0.5, '雑で': -0.5, '雑だ': -0.5, '雑でし': -0.5, '雑です': -0.5, 'いい加減': -0.7, '適当な': -0.3,
  // complaint: feelings and judgement
  '最悪': -1, '不満': -0.7, '不便': -0.6, '不安': -0.5, '心配': -0.4, '残念': -0.6, 'がっかり': -0.7, 'ガッカリ': -0.7,
  '困っ': -0.6, '困り': -0.6, '困る': -0.6, '迷惑': -0.7, '面倒': -0.5, 'めんどう': -0.5, 'ありえない': -0.8,
  'あり得ない': -0.8, '有り得ない': -0.8, '信じられない': -0.6, '二度と': -0.8, 'イマイチ': -0.5, 'いまいち': -0.5,
  '微妙': -0.4, '期待外れ': -0.8, '期待はずれ': -0.8, 'ダメ': -0.6, 'だめ': -0.6, '駄目': -0.6, '失望': -0.8, '後悔': -0.7,
  '苦情': -0.6, 'クレーム': -0.5, '怒っ': -0.7, '怒り': -0.7, '腹が立': -0.8, '腹立': -0.8, '激怒': -1, 'イライラ': -0.7,
  'いらいら': -0.7, 'ストレス': -0.5, '問題': -0.3, '手間': -0.3, '無駄': -0.6, '意味がない': -0.6, '意味がありません': -0.6,
  '意味ない': -0.6, '高額': -0.5, '割高': -0.6, '値上げ': -0.5, '騒音': -0.5, '嘘': -0.6, '詐欺': -0.9, '損': -0.4,
  '返金': -0.5, '返品': -0.4, '解約': -0.4, 'キャンセル': -0.3, '不足': -0.4, '分からない': -0.3, 'わからない': -0.3,
  '分かりません': -0.3, 'わかりません': -0.3, '理解できない': -0.4, '疑問': -0.3, '心外': -0.7, '遺憾': -0.7,
  '我慢': -0.5, 'うんざり': -0.8, '呆れ': -0.8, 'あきれ': -0.8, '酷かっ': -0.8, '諦め': -0.5, 'ショック': -0.6,
  '不信': -0.7, '不信感': -0.8, '不可解': -0.6, '煩わし': -0.6, 'わずらわし': -0.6,
  // excess: 〜すぎ after a neutral adjective (多すぎ, 大きすぎ) is a complaint; after a rated adjective the form wins
  'すぎ': -0.5, 'すぎる': -0.5, 'すぎて': -0.5, 'すぎます': -0.5,
  // neutral entries that shadow a misleading shorter match (落ち着い is not 落ち, 問題なく is handled by negation)
  '落ち着': 0, '高級': 0.3, '最高級': 0.4,
};

/** Emoji carry polarity in chat and app-store style comments. */
const EMOJI: Readonly<Record<string, number>> = {
  '😊': 0.6, '😄': 0.6, '😃': 0.6, '😁': 0.5, '🙂': 0.4, '😍': 0.8, '🥰': 0.8, '👍': 0.6, '❤': 0.6, '💕': 0.6,
  '✨': 0.3, '🎉': 0.5, '😋': 0.7, '👏': 0.6,
  '😡': -0.8, '😠': -0.7, '🤬': -0.9, '👎': -0.7, '😞': -0.6, '😢': -0.6, '😭': -0.5, '💢': -0.7, '😩': -0.6,
  '😤': -0.5, '🙁': -0.5, '😒': -0.5,
};

/** English words for English (or mixed) comments; matched on whole words. */
const ENGLISH: Readonly<Record<string, number>> = {
  good: 0.6, great: 0.8, excellent: 0.9, love: 0.8, loved: 0.8, amazing: 0.9, awesome: 0.9, helpful: 0.7, fast: 0.5,
  quick: 0.5, quickly: 0.4, easy: 0.6, perfect: 0.9, happy: 0.7, satisfied: 0.7, recommend: 0.7, thanks: 0.6,
  thank: 0.6, nice: 0.6, smooth: 0.5, friendly: 0.6, delicious: 0.8, reliable: 0.6, polite: 0.6, fantastic: 0.9,
  wonderful: 0.9, best: 0.8, convenient: 0.6, impressed: 0.7, pleased: 0.7, solved: 0.6, resolved: 0.6, intuitive: 0.6,
  bad: -0.7, poor: -0.7, terrible: -0.9, awful: -0.9, horrible: -0.9, slow: -0.6, broken: -0.8, broke: -0.7, bug: -0.6,
  bugs: -0.6, buggy: -0.7, crash: -0.7, crashes: -0.7, crashed: -0.7, error: -0.5, errors: -0.5, disappointed: -0.8,
  disappointing: -0.8, worst: -1, hate: -0.8, refund: -0.5, expensive: -0.6, overpriced: -0.7, useless: -0.8,
  difficult: -0.5, confusing: -0.6, late: -0.5, delayed: -0.6, damaged: -0.7, rude: -0.8, problem: -0.4,
  problems: -0.4, issue: -0.3, issues: -0.3, annoying: -0.7, unhappy: -0.7, frustrated: -0.7, frustrating: -0.7,
  cancel: -0.3, unusable: -0.8, unacceptable: -0.9, complaint: -0.6, defective: -0.8, missing: -0.5, wrong: -0.5,
  fail: -0.6, fails: -0.6, failed: -0.6, freezes: -0.6, stuck: -0.5, waste: -0.7, cheap: -0.2, noisy: -0.5,
};

/**
 * Conjugated stems of an i-adjective, as they appear before endings: 遅い → 遅い 遅く 遅かっ 遅すぎ 遅さ 遅け.
 * いい/よい are irregular: their stems are 良/よ (よく, よかった), handled by listing 良かっ/よかっ/良く in WORDS.
 */
export function adjectiveForms(dictionaryForm: string): { form: string; excess: boolean }[] {
  if (!dictionaryForm.endsWith('い') || dictionaryForm === 'いい') return [{ form: dictionaryForm, excess: false }];
  const stem = dictionaryForm.slice(0, -1);
  const forms = [dictionaryForm, `${stem}く`, `${stem}かっ`, `${stem}さ`, `${stem}け`];
  // Adjectives ending in ない (足りない) form their excess as 足りなさすぎ; other adjectives as stem+すぎ.
  const excess = dictionaryForm.endsWith('ない') ? [`${stem}さすぎ`] : [`${stem}すぎ`];
  return [...forms.map((form) => ({ form, excess: false })), ...excess.map((form) => ({ form, excess: true }))];
}

function buildLexicon(): LexiconEntry[] {
  const out = new Map<string, LexiconEntry>();
  const add = (entry: LexiconEntry): void => {
    // The first writer wins: explicit WORDS are listed after ADJECTIVES only where no adjective form exists.
    if (!out.has(entry.term)) out.set(entry.term, entry);
  };
  for (const [lemma, polarity] of Object.entries(ADJECTIVES)) {
    for (const { form, excess } of adjectiveForms(lemma)) {
      const contextual = CONTEXTUAL[lemma];
      add({ term: form, lemma, polarity, kind: 'word', excess, ...(contextual ? { contextual } : {}) });
    }
  }
  for (const [term, polarity] of Object.entries(WORDS)) add({ term, lemma: term, polarity, kind: 'word' });
  for (const [term, polarity] of Object.entries(EMOJI)) add({ term, lemma: term, polarity, kind: 'emoji' });
  for (const [term, polarity] of Object.entries(ENGLISH)) add({ term, lemma: term, polarity, kind: 'english' });
  return [...out.values()];
}

/** Every surface form, unique by term. */
export const LEXICON: readonly LexiconEntry[] = Object.freeze(buildLexicon());

/**
 * Intensifiers and downtoners: multiply the weight of the next rated term in the same clause.
 * 全然/全く usually go with a negation (全然使えない) and strengthen it.
 */
export const INTENSIFIERS: Readonly<Record<string, number>> = {
  'とても': 1.5, '非常に': 1.6, '大変': 1.5, 'たいへん': 1.5, 'すごく': 1.5, 'すごい': 1.4, '凄く': 1.5, 'めちゃくちゃ': 1.6,
  'めちゃめちゃ': 1.6, 'めっちゃ': 1.5, 'かなり': 1.3, '本当に': 1.5, 'ほんとうに': 1.5, 'ほんとに': 1.5,
  '超': 1.4, '全然': 1.5, '全く': 1.5, 'まったく': 1.5, '極めて': 1.6, '最も': 1.4, '一番': 1.3, 'すっごく': 1.6,
  'マジで': 1.4, 'まじで': 1.4, 'ものすごく': 1.7, '大いに': 1.4, '実に': 1.3, 'ずいぶん': 1.2, '随分': 1.2, 'とっても': 1.5,
  '相当': 1.3, 'あまりにも': 1.6, 'あまりに': 1.5, 'さらに': 1.2,
  '少し': 0.6, 'すこし': 0.6, 'ちょっと': 0.7, 'やや': 0.6, '若干': 0.6, '多少': 0.6, '少々': 0.6, 'ちょっぴり': 0.6,
  'わりと': 0.8, '割と': 0.8,
  very: 1.5, really: 1.5, so: 1.3, extremely: 1.7, super: 1.5, too: 1.3, totally: 1.5, quite: 1.2, absolutely: 1.6,
  slightly: 0.6, 'a bit': 0.6, somewhat: 0.7,
};
