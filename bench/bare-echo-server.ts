/**
 * The bare baseline of `npm run bench:http`: a plain fastify instance with one route, POST
 * /bench/echo, whose body is validated by zod (fastify-type-provider-zod's validator, as the app
 * validates) against the body of POST /v1/complaints, and echoed. Nothing else: no auth hook, no
 * request log, no metrics hook, no store, no heap policy. Set beside the echo (bench/echo-server.ts),
 * it says what fastify and zod alone cost on this machine, and so what the app's own HTTP stack adds.
 *
 * Run by the benchmark as its own process, compiled like the server under test
 * (`node dist/bench/bare-echo-server.js`), with PORT set; it reads nothing else.
 */
import Fastify from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { complaintEventSchemas } from '../src/domain/complaint/events.js';
import { instantSchema } from '../src/domain/events/envelope.js';

const app = Fastify().withTypeProvider<ZodTypeProvider>();
app.setValidatorCompiler(validatorCompiler);

// The body POST /v1/complaints accepts: the received event's fields and an optional claimed time.
const body = complaintEventSchemas.ComplaintReceived.safeExtend({ occurredAt: instantSchema.optional() });
app.post('/bench/echo', { schema: { body } }, async (request, reply) =>
  reply.status(201).send({ id: 'echo', revision: 0, propertyId: request.body.propertyId }),
);

process.once('SIGTERM', async () => {
  await app.close();
  process.exit(0);
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
