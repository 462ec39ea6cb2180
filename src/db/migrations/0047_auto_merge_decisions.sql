-- A later import may join two existing customers when its new records tie both by strong evidence (issue 26: "a
-- link seen in a later file must be able to correct an earlier name-only decision"): the resolver merges them through
-- the same merge a person makes (src/resolution/customer-merge.service.ts absorbCustomer), and the moved records'
-- decisions are of a kind of their own, 'auto_merge' (rule 'bridged_existing'), so the identity page, unmerge and the
-- privacy lineage tell a machine's merge from a reviewer's ('accept') or a user's ('manual_merge').
ALTER TABLE match_decisions DROP CONSTRAINT match_decisions_kind_check;
ALTER TABLE match_decisions ADD CONSTRAINT match_decisions_kind_check
  CHECK (kind IN ('new', 'merge', 'review', 'accept', 'reject', 'never', 'unmerge', 'manual_merge', 'auto_merge'));
