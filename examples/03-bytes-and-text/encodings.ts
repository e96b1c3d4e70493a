/**
 * 同一个字符在 UTF-8 和 GB18030 里各是哪几个字节，Node 能怎么处理它们。
 *
 * 和 encodings.py 不一样的地方：Node 自带的编码器只有 UTF-8（Buffer.from、TextEncoder），
 * GBK、GB18030 只能解码（TextDecoder），要把文字编码成 GBK 得另装库（比如 iconv-lite）。
 */
// 几个字符和它们的 GB18030 字节（就是 encodings.py 算出来的那些），下面让 Node 把它们解码回去
const GB18030_BYTES: [string, string][] = [
  ['A', '41'],
  ['你', 'c4e3'],
  ['們', '8283'],
  ['€', 'a2e3'],
  ['😀', '9439fc36'],
];

const hex = (data: Uint8Array) => [...data].map((b) => b.toString(16).padStart(2, '0')).join(' ');

for (const [ch, gbHex] of GB18030_BYTES) {
  const codePoint = ch.codePointAt(0) ?? 0;
  console.log(`${ch}  U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`);
  const gb = Buffer.from(gbHex, 'hex');
  for (const label of ['gb2312', 'gbk', 'gb18030']) {
    // fatal: true：遇到解不了的字节就抛出异常，而不是换成 �
    const decoder = new TextDecoder(label, { fatal: true });
    try {
      console.log(`  ${label.padEnd(8)} ${hex(gb).padEnd(12)} → TextDecoder('${label}') 解出 '${decoder.decode(gb)}'`);
    } catch (err) {
      console.log(`  ${label.padEnd(8)} ${hex(gb).padEnd(12)} → ${String(err)}`);
    }
  }
  const utf8 = Buffer.from(ch, 'utf8'); // 和 new TextEncoder().encode(ch) 一样
  console.log(`  utf-8    ${hex(utf8).padEnd(12)} ${utf8.length} 字节`);
  console.log();
}

// 浏览器和 Node 都按 WHATWG 编码标准处理编码名：gb2312 只是 gbk 的别名，
// gbk 的解码器又和 gb18030 的是同一个，所以上面三列解出来完全一样
console.log(`new TextDecoder('gb2312').encoding = '${new TextDecoder('gb2312').encoding}'`);
console.log(`new TextDecoder('gbk').encoding = '${new TextDecoder('gbk').encoding}'`);
