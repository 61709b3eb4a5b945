// Preloaded into peer gateways (node --require bench/peers/loopback.cjs …) so that a server that listens
// without naming a host (Portkey's start-server.js calls serve({port}) → all interfaces) binds 127.0.0.1
// only, as every process of the benchmark must. Changes nothing else.
'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (args.length === 1 || typeof args[1] !== 'string') args.splice(1, typeof args[1] === 'undefined' ? 1 : 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
