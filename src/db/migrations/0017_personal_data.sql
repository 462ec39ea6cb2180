-- A person known by an e-mail alone had that e-mail as display name and as sort key (src/domain/customers/fields.ts
-- displayNameOf, src/domain/search/document.ts): every customers:read role sees display names (lists, orders,
-- registrations, the review queue) and the name-sorted list's cursor carries the sort key, so viewers read e-mails
-- that everywhere else are masked for them. Neither holds the e-mail any more; such rows are put right here. Their
-- sort key was the folded reading, a space and the folded e-mail, or the folded e-mail alone (folded values hold no
-- space): what is left is the reading, or nothing. Their search columns do not change (the e-mail is indexed as the
-- e-mail).
UPDATE customers
SET display_name = '',
    sort_key = CASE WHEN strpos(sort_key, ' ') > 0 THEN substr(sort_key, 1, strpos(sort_key, ' ') - 1) ELSE '' END
WHERE display_name <> '' AND display_name = email;

-- A form's hosted page (/f/<slug>) posts with `Origin: null` (its Referrer-Policy is no-referrer), and so does any
-- sandboxed or opaque page, which the allowed-origins check let through. The hosted page now carries this per-form
-- token (a hidden field); a request with `Origin: null` must present it (src/features/forms/forms.routes.ts). Stored
-- with the form so every server process can check it; a volatile default gives each existing form its own.
ALTER TABLE forms ADD COLUMN IF NOT EXISTS page_token text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
