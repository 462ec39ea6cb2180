/** Types for the tiny-segmenter package (TinySegmenter 0.2 by Taku Kudo, BSD licence; CommonJS, untyped). */
declare module 'tiny-segmenter' {
  export default class TinySegmenter {
    /** Splits Japanese text into words; returns [] for the empty string. */
    segment(input: string): string[];
  }
}
