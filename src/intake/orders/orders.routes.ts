import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { can } from '../../domain/auth/permissions.ts';
import type { OrderProfile } from '../../domain/commerce/profile.ts';
import { MAX_HEADER_ROW } from '../../domain/import/profile.ts';
import { findOwnUpload, previewNewUpload, previewUpload, receiveUpload } from '../files/upload-preview.ts';
import { orderPreview, runOrderImport, validateOrderImport } from './orders.import.ts';
import {
  OrderImportRequest, OrderPreviewSchema, OrderUploadSchema, OrderValidationSchema, OrderImportSummarySchema, OrderListQuery, OrderPageSchema, OrderPut, OrderReturn, OrderSchema, ProductCreate, ProductListQuery, ProductPageSchema,
  ProductPatch, ProductSchema, PurchaseSummarySchema,
} from './orders.schemas.ts';
import { cancelOrder, createProduct, getOrder, getProduct, listOrders, listProducts, purchaseSummary, putOrder, returnOrderLines, updateProduct } from './orders.service.ts';
import { commerceProfileOr400, uploadLimit, withUploadedFile } from './upload.ts';

export function orderRoutes(): Router {
  const app = createRouter();
  app.use('/api/v1/orders/import', uploadLimit);
  app.use('/api/v1/orders/import/uploads', uploadLimit);

  // ── the order import wizard: upload → suggested mapping → validate → run (the upload is the caller's) ──
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/import/uploads', access: 'commerce:write', tags: ['commerce'],
      summary: 'Upload an order export for the wizard (the raw body with X-File-Name, or multipart field "file"): the file is previewed (encoding incl. Shift_JIS, header line, first rows) and its columns are suggested for the order profile from their headers and values',
      responses: { 201: json(OrderUploadSchema, 'Stored, previewed and suggested') } }),
    async (c) => {
      const stored = await receiveUpload(c.req.raw, c.get('auth')?.userId ?? null);
      const { preview, suggestion } = orderPreview(await previewNewUpload(stored));
      return c.json({ uploadId: stored.id, fileName: stored.fileName, size: stored.size, preview, suggestion }, 201);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/orders/import/uploads/{id}/preview', access: 'commerce:write', tags: ['commerce'],
      summary: 'An uploaded order file\'s preview and suggestion again, the header read from headerRow (1-based; the profile\'s header_row) or detected',
      request: { params: IdParam, query: z.object({ headerRow: z.coerce.number().int().min(1).max(MAX_HEADER_ROW).optional() }) },
      responses: { 200: json(OrderPreviewSchema, 'Preview'), 404: json(z.object({}), 'Unknown upload') } }),
    async (c) => {
      const upload = findOwnUpload(c.req.valid('param').id, c.get('auth'));
      return c.json(orderPreview(await previewUpload(upload, c.req.valid('query').headerRow)), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/import/validate', access: 'commerce:write', tags: ['commerce'],
      summary: 'Check an uploaded order file with a profile without importing it: every row the import would not take, with its line and reason; how many orders would be new. Writes nothing',
      request: { body: { content: { 'application/json': { schema: OrderImportRequest } }, required: true } },
      responses: { 200: json(OrderValidationSchema, 'Validation report'), 404: json(z.object({}), 'Unknown upload') } }),
    async (c) => {
      const body = c.req.valid('json');
      const profile = commerceProfileOr400(body.profile, 'orders');
      const upload = findOwnUpload(body.uploadId, c.get('auth'));
      return c.json(await validateOrderImport(c.get('deps').db, { filePath: upload.filePath, fileName: upload.fileName, profile, actor: c.get('actor') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/import/run', access: 'commerce:write', tags: ['commerce'],
      summary: 'Import an uploaded order file with a profile (as POST /orders/import, with the wizard\'s upload): bad rows are reported with their line, good orders land, re-importing changes nothing',
      request: { body: { content: { 'application/json': { schema: OrderImportRequest } }, required: true } },
      responses: { 200: json(OrderImportSummarySchema, 'Import summary with the per-row report'), 404: json(z.object({}), 'Unknown upload') } }),
    async (c) => {
      const body = c.req.valid('json');
      const profile = commerceProfileOr400(body.profile, 'orders');
      const upload = findOwnUpload(body.uploadId, c.get('auth'));
      return c.json(await runOrderImport(c.get('deps').db, { filePath: upload.filePath, fileName: upload.fileName, profile, actor: c.get('actor') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products', access: 'commerce:read', summary: 'Product catalogue (by SKU)', tags: ['commerce'],
      request: { query: ProductListQuery },
      responses: { 200: json(ProductPageSchema, 'Products') } }),
    async (c) => {
      const q = c.req.valid('query');
      return c.json(await listProducts(c.get('deps').db, { ...q, active: q.active === undefined ? undefined : q.active === 'true' }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/products', access: 'commerce:write', summary: 'Add a product', tags: ['commerce'],
      request: { body: { content: { 'application/json': { schema: ProductCreate } }, required: true } },
      responses: { 201: json(ProductSchema, 'Created'), 409: json(z.object({}), 'SKU exists') } }),
    async (c) => c.json(await createProduct(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/products/{id}', access: 'commerce:read', summary: 'A product', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(ProductSchema, 'The product'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await getProduct(c.get('deps').db, c.req.valid('param').id), 200),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/products/{id}', access: 'commerce:write', summary: 'Edit a product', tags: ['commerce'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: ProductPatch } }, required: true } },
      responses: { 200: json(ProductSchema, 'Updated'), 404: json(z.object({}), 'Not found'), 409: json(z.object({}), 'SKU exists') } }),
    async (c) => c.json(await updateProduct(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/orders', access: 'commerce:read', summary: 'Orders, newest first (buyer names need customers:read)', tags: ['commerce'],
      request: { query: OrderListQuery },
      responses: { 200: json(OrderPageSchema, 'Orders') } }),
    async (c) => {
      const auth = c.get('auth');
      return c.json(await listOrders(c.get('deps').db, c.req.valid('query'), { auth, customers: auth !== null && can(auth.role, 'customers:read') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders', access: 'commerce:write', tags: ['commerce'],
      summary: 'Record an order (idempotent on source + orderId: sending it again replaces it). The customer key (e-mail, phone or member id) is resolved to a customer like an import',
      request: { body: { content: { 'application/json': { schema: OrderPut } }, required: true } },
      responses: { 200: json(OrderSchema, 'Stored') } }),
    async (c) => c.json(await putOrder(c.get('deps').db, c.req.valid('json'), c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/import', access: 'commerce:write', tags: ['commerce'],
      summary: 'Import an order export (multipart: file = CSV/TSV/XLSX, profile = JSON order profile). Bad rows are reported with their line; good rows land; re-importing changes nothing',
      responses: { 200: json(OrderImportSummarySchema, 'Import summary with the per-row report') } }),
    async (c) => {
      const { db } = c.get('deps');
      const summary = await withUploadedFile(c.req.raw, c.get('auth')?.userId ?? null, 'orders', (upload, profile) => runOrderImport(db, { filePath: upload.filePath, fileName: upload.fileName, profile: profile as OrderProfile, actor: c.get('actor') }));
      return c.json(summary, 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/orders/{id}', access: 'commerce:read', summary: 'An order with its lines', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(OrderSchema, 'The order'), 404: json(z.object({}), 'Not found') } }),
    async (c) => {
      const auth = c.get('auth');
      return c.json(await getOrder(c.get('deps').db, c.req.valid('param').id, { auth, customers: auth !== null && can(auth.role, 'customers:read') }), 200);
    },
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/{id}/cancel', access: 'commerce:write', summary: 'Cancel an order (leaves lifetime value and order count)', tags: ['commerce'],
      request: { params: IdParam }, responses: { 200: json(OrderSchema, 'Cancelled'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await cancelOrder(c.get('deps').db, c.req.valid('param').id, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/orders/{id}/returns', access: 'commerce:write', summary: 'Record returned quantities per SKU (absolute: sending it again changes nothing)', tags: ['commerce'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: OrderReturn } }, required: true } },
      responses: { 200: json(OrderSchema, 'Updated'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await returnOrderLines(c.get('deps').db, c.req.valid('param').id, c.req.valid('json').lines, c.get('actor')), 200),
  );
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/customers/{id}/purchases/summary', access: 'commerce:read', tags: ['commerce'],
      summary: 'A customer\'s lifetime value (net of cancellations and returns), order count, first and last purchase',
      request: { params: IdParam }, responses: { 200: json(PurchaseSummarySchema, 'Figures'), 404: json(z.object({}), 'Not found') } }),
    async (c) => c.json(await purchaseSummary(c.get('deps').db, c.req.valid('param').id), 200),
  );
  return app;
}
