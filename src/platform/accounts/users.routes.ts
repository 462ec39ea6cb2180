import { z } from '@hono/zod-openapi';
import { IdParam, json, secureRoute, createRouter, type Router } from '../../core/route.ts';
import { UserCreate, UserDirectorySchema, UserListSchema, UserPatch, UserSchema } from './accounts.schemas.ts';
import { createUser, listUsers, updateUser } from './users.service.ts';

export function userRoutes(): Router {
  const app = createRouter();
  // Everyone who works with customers needs to pick an owner or read who one is; this shows only names.
  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/users/directory', access: 'customers:read', summary: 'Active users (id, name, department) for choosing owners', tags: ['users'],
      responses: { 200: json(UserDirectorySchema, 'Directory') } }),
    async (c) => {
      const users = await listUsers(c.get('deps').db);
      return c.json({ items: users.filter((u) => !u.disabled).map((u) => ({ id: u.id, displayName: u.displayName, department: u.department })) }, 200);
    },
  );

  app.openapi(
    secureRoute({ method: 'get', path: '/api/v1/users', access: 'users:read', summary: 'Users and their roles', tags: ['users'],
      responses: { 200: json(UserListSchema, 'Users') } }),
    async (c) => c.json({ items: await listUsers(c.get('deps').db) }, 200),
  );
  app.openapi(
    secureRoute({ method: 'post', path: '/api/v1/users', access: 'users:write', summary: 'Create a user', tags: ['users'],
      request: { body: { content: { 'application/json': { schema: UserCreate } }, required: true } },
      responses: { 201: json(UserSchema, 'Created'), 409: json(z.object({}), 'E-mail taken') } }),
    async (c) => c.json(await createUser(c.get('deps').db, c.req.valid('json'), c.get('actor')), 201),
  );
  app.openapi(
    secureRoute({ method: 'patch', path: '/api/v1/users/{id}', access: 'users:write', summary: 'Change name, role, department, password; disable', tags: ['users'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: UserPatch } }, required: true } },
      responses: { 200: json(UserSchema, 'Updated'), 404: json(z.object({}), 'Not found'), 409: json(z.object({}), 'Last admin') } }),
    async (c) => c.json(await updateUser(c.get('deps').db, c.req.valid('param').id, c.req.valid('json'), c.get('actor')), 200),
  );
  return app;
}
