-- Which customers each personal-data export carried (issue 25, APPI): an export's audit entry (export.customers,
-- export.segment, export.links) names its export id in details.exportId, and export_customers lists the customers it
-- wrote, so the disclosure report of a person can say who exported their data and when. Written by
-- src/platform/audit/audit.repository.ts; an erasure deletes the person's rows.
CREATE TABLE export_customers (
  export_id   uuid NOT NULL,
  customer_id uuid NOT NULL,
  PRIMARY KEY (export_id, customer_id)
);
CREATE INDEX export_customers_customer_idx ON export_customers (customer_id);
CREATE INDEX audit_log_export_idx ON audit_log ((details->>'exportId')) WHERE details ? 'exportId';
