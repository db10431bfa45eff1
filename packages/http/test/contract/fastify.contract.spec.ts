import { defineContractSuite } from './contractSuite.js';
import { startFastifyServer } from './servers/fastifyServer.js';

defineContractSuite('Fastify', startFastifyServer);
