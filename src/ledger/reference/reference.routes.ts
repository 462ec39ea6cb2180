import { json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { PREFECTURES } from '../../domain/customers/fields.ts';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../domain/auth/permissions.ts';
import { loadReferenceData } from './reference.repository.ts';
import { ReferenceSchema } from './reference.schemas.ts';

export function referenceRoutes(): Router {
  const app = createRouter();
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/reference', access: 'authenticated', summary: 'Lifecycle stages, channels, roles with permissions, prefectures', tags: ['reference'],
      responses: { 200: json(ReferenceSchema, 'Reference data') } }),
    async (c) => {
      const { roles, stages, channels } = await loadReferenceData(c.get('deps').db);
      return c.json({
        lifecycleStages: stages.map((s) => ({ code: s.code, labelJa: s.label_ja, labelEn: s.label_en })),
        acquisitionChannels: channels.map((s) => ({ code: s.code, labelJa: s.label_ja, labelEn: s.label_en })),
        roles: roles.map((r) => ({ code: r.name, labelJa: r.label_ja, labelEn: r.label_en, permissions: [...(ROLE_PERMISSIONS[r.name as keyof typeof ROLE_PERMISSIONS] ?? [])] })),
        permissions: { ...PERMISSIONS },
        prefectures: [...PREFECTURES],
      }, 200);
    },
  );
  return app;
}
