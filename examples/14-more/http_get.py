import sys
import urllib.request

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:2333/"

# urllib.request：标准库里的 HTTP 客户端，不用装 requests
with urllib.request.urlopen(url, timeout=5) as response:
    print(f"HTTP/{response.version / 10:.1f} {response.status} {response.reason}")
    for name, value in response.getheaders():
        print(f"{name}: {value}")
    print()
    # 按响应头里的 charset 解码；没写就当 UTF-8
    charset = response.headers.get_content_charset() or "utf-8"
    print(response.read().decode(charset), end="")
