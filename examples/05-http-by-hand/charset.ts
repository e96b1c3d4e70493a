import { once } from 'node:events';
import { createServer } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;
const TEXT = '不要回答！！！不要回答！！！不要回答！！！';

type Encoding = 'gb2312' | 'utf-8';
// 路径 -> [中文那一行, 响应体用什么编码, Content-Type 怎么写, 页面里的 <meta>]
const CASES: Record<string, [string, Encoding, string, string]> = {
  '/none': [TEXT, 'gb2312', 'text/html', ''], // 笔记的做法：GB2312 字节，不说编码
  '/guess': ['Price: 100 元', 'gb2312', 'text/html', ''], // 同样不说编码，只夹了一个汉字
  '/wrong': [TEXT, 'utf-8', 'text/html; charset=gb2312', ''], // 说了编码，可是说错了
  '/gb2312': [TEXT, 'gb2312', 'text/html; charset=gb2312', ''], // GB2312 字节，如实说明
  '/meta': [TEXT, 'gb2312', 'text/html', '<meta charset="gb2312">\n'], // 响应头没说，页面自己说
  '/': [TEXT, 'utf-8', 'text/html; charset=utf-8', ''], // UTF-8 字节，如实说明
};

// Node 能用 TextDecoder 解码 GB2312，却没有编码器。GB2312 的汉字和全角符号都是两个字节，
// 每个字节在 0xA1–0xFE 之间：把这些双字节码挨个解码一遍，就能反查出每个字的字节
const GB2312 = new Map<string, Buffer>();
const decoder = new TextDecoder('gb2312');
for (let hi = 0xa1; hi <= 0xfe; hi++) {
  for (let lo = 0xa1; lo <= 0xfe; lo++) {
    const ch = decoder.decode(new Uint8Array([hi, lo]));
    if (ch.length === 1 && ch !== '\ufffd' && !GB2312.has(ch)) GB2312.set(ch, Buffer.from([hi, lo]));
  }
}

/** 相当于 Python 的 text.encode('gb2312') */
function encodeGb2312(text: string): Buffer {
  return Buffer.concat(
    [...text].map((ch) => {
      if (ch < '\x80') return Buffer.from(ch, 'ascii');
      const bytes = GB2312.get(ch);
      if (!bytes) throw new Error(`GB2312 里没有这个字符: ${ch}`);
      return bytes;
    }),
  );
}

function page(path: string, text: string, encoding: string, contentType: string, meta: string): string {
  // 下面的 ASCII 行无论按什么编码读都不会乱，可以对照着看 <h1> 那一行
  return (
    `<!doctype html>\n${meta}<h1>${text}</h1>\n` +
    `<p>path ${path}: body bytes in ${encoding}, Content-Type: ${contentType}</p>\n` +
    '<p>' +
    Object.keys(CASES)
      .map((p) => `<a href="${p}">${p}</a>`)
      .join(' ') +
    '</p>\n'
  );
}

const server = createServer((conn) => {
  let data = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    const end = data.indexOf('\r\n\r\n');
    if (end === -1 && data.length <= 64 * 1024) return;
    conn.off('data', onData);
    const requestLine = data.toString('utf8').split('\r\n')[0] ?? '';
    // 请求行形如 GET /none HTTP/1.1，中间那段就是路径
    const parts = requestLine.split(' ');
    const path = parts.length === 3 ? (parts[1] as string) : '/';
    const found = Object.hasOwn(CASES, path) ? CASES[path] : undefined;
    if (!found) {
      conn.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      console.log(`${requestLine} -> 404`);
      return;
    }
    const [text, encoding, contentType, meta] = found;
    const html = page(path, text, encoding, contentType, meta);
    const body = encoding === 'gb2312' ? encodeGb2312(html) : Buffer.from(html, 'utf8');
    const head =
      'HTTP/1.1 200 OK\r\n' +
      `Content-Type: ${contentType}\r\n` +
      `Content-Length: ${body.length}\r\n` +
      'Connection: close\r\n\r\n';
    conn.end(Buffer.concat([Buffer.from(head, 'ascii'), body]));
    console.log(`${requestLine} -> ${encoding} 字节, Content-Type: ${contentType}`);
  };
  conn.on('data', onData);
  conn.on('error', (err) => console.log(`连接异常断开: ${err.message}`));
});
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`编码实验服务端已启动: http://${HOST}:${PORT}/none /guess /wrong /gb2312 /meta /`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});
