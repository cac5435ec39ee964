import { channel } from 'node:diagnostics_channel';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../src/domain/events/envelope.js';

/** A route as the app registered it: what a walk over every route needs to know of it. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  /** The roles that may call it; undefined for an open route (health, docs, the dashboard page). */
  readonly roles: readonly Role[] | undefined;
  readonly schema: FastifySchema | undefined;
}

export const routeKey = (route: { readonly method: string; readonly url: string }) => `${route.method} ${route.url}`;

/**
 * Builds an app and returns it with every route it registered, read by an onRoute hook that
 * fastify's `fastify.initialization` channel lets a test add before the first route: a route
 * added to the app later is in the list without anyone listing it. HEAD routes are left out:
 * fastify derives each from its GET, with the same hooks and handler.
 */
export const routesRegisteredBy = async <T>(build: () => Promise<T>) => {
  const routes: RegisteredRoute[] = [];
  const onRoute = (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, roles: route.config?.roles, schema: route.schema });
    }
  };
  const onInit = (message: unknown) => (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', onRoute);
  const initialization = channel('fastify.initialization');
  initialization.subscribe(onInit);
  try {
    return { built: await build(), routes };
  } finally {
    initialization.unsubscribe(onInit);
  }
};

/** The fields of a request part's zod schema (an object, possibly optional or nullable, or a union of them). */
const fieldsOf = (schema: unknown): string[] => {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return fieldsOf(schema.unwrap());
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return schema.options.flatMap(fieldsOf);
  return [];
};

/** Where a route's request names a property, by its schema: a propertyId, or the id of a record (which belongs to one). */
export const propertyInputs = (route: RegisteredRoute): string[] => [
  ...(fieldsOf(route.schema?.querystring).includes('propertyId') ? ['query propertyId'] : []),
  ...(fieldsOf(route.schema?.body).includes('propertyId') ? ['body propertyId'] : []),
  ...(fieldsOf(route.schema?.params).includes('id') ? ['path id of a record'] : []),
];
