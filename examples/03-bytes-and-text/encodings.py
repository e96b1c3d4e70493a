"""同一个字符，在 GB2312、GBK、GB18030、UTF-8 里各是哪几个字节，哪些根本编不了。"""

CHARS = ["A", "你", "們", "€", "😀"]
ENCODINGS = ["gb2312", "gbk", "gb18030", "utf-8"]

for ch in CHARS:
    print(f"{ch}  U+{ord(ch):04X}")
    for encoding in ENCODINGS:
        try:
            data = ch.encode(encoding)
            print(f"  {encoding:<8} {data.hex(' '):<12} {len(data)} 字节")
        except UnicodeEncodeError as err:
            print(f"  {encoding:<8} UnicodeEncodeError: {err}")
    print()

# 编不了的字符可以换成 ?，但信息就丢了
print("'😀'.encode('gb2312', errors='replace') =", "😀".encode("gb2312", errors="replace"))
