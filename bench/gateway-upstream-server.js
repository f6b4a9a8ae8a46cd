// The trivial webhook handler both proxies of bench/gateway.js forward to:
// reads the body, answers a small JSON. node:http, keep-alive.
import { createServer } from 'node:http';

const answer = Buffer.from(JSON.stringify({ responses: [{ type: 'text', message: 'Your order #1042 ships tomorrow.' }] }));
createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length });
    response.end(answer);
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
