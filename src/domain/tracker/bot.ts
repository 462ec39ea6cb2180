/**
 * Crawlers, monitors, headless browsers and HTTP libraries: their page views are not people's and are dropped (counted
 * under reason `bot`). Matched on the User-Agent header; a missing one counts as a bot, since every browser sends it.
 */
const BOT_PATTERN = new RegExp([
  'bot\\b', 'bot/', 'crawl', 'spider', 'slurp', 'scrap', 'archiver', 'facebookexternalhit', 'embedly', 'quora link preview',
  'headlesschrome', 'phantomjs', 'puppeteer', 'playwright', 'selenium', 'lighthouse', 'pagespeed', 'pingdom', 'uptimerobot',
  'statuscake', 'site24x7', 'gtmetrix', 'datadog', 'newrelic', 'monitor', 'preview', 'curl/', 'wget/', 'python-requests',
  'python-urllib', 'aiohttp', 'httpx', 'go-http-client', 'java/', 'okhttp', 'apache-httpclient', 'libwww', 'node-fetch',
  'axios/', 'undici', 'postmanruntime', 'insomnia', 'httpie',
].join('|'), 'i');

export function isBot(userAgent: string | null | undefined): boolean {
  if (!userAgent || userAgent.trim().length < 10) return true;
  return BOT_PATTERN.test(userAgent);
}
