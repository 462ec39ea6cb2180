import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage } from '../../../src/domain/voice/language.ts';

test('Japanese: kana, or a short kanji-only comment', () => {
  for (const t of ['商品がまだ届きません', 'ｻﾎﾟｰﾄ最高', '最悪', '品質不良', 'iPhoneアプリが落ちます', 'ありがとう😊']) assert.equal(detectLanguage(t), 'ja', t);
});

test('English: function words, or a few latin words', () => {
  for (const t of ['The app crashes every day', 'Great!', 'bad UX', 'Thank you for the quick reply.']) assert.equal(detectLanguage(t), 'en', t);
});

test('other: Chinese, Korean, other European languages, no letters', () => {
  for (const t of ['这个产品很好用我很喜欢', '안녕하세요 감사합니다', 'Très bien, merci beaucoup pour votre aide', '12345', '😊👍', '', '   ']) {
    assert.equal(detectLanguage(t), 'other', t);
  }
});
