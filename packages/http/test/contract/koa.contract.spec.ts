import { defineContractSuite } from './contractSuite.js';
import { startKoaServer } from './servers/koaServer.js';

defineContractSuite('Koa', startKoaServer);
