import { argv } from 'node:process';

const url = argv[2] ?? 'http://127.0.0.1:2333/';

// fetch：Node 18 起内置的 HTTP 客户端，和浏览器里的是同一个接口
const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
console.log(`HTTP ${response.status} ${response.statusText}`);
for (const [name, value] of response.headers) console.log(`${name}: ${value}`);
console.log();
// text() 按 UTF-8 解码
process.stdout.write(await response.text());
