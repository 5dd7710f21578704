import json, sys
e = json.load(sys.stdin)
print(f"## {e['title']}\n\nKind: `{e['kind']}` · kernel source: {e['kernel_source']}\n\n{e['summary']}\n\n**What the kernel saw.** {e['what_the_kernel_saw']}\n\n**Fields**\n")
for f in e['fields']:
    print(f"- **{f['name']}**: {f['meaning']}")
print('\n**Likely causes, most likely first**\n')
for i, c in enumerate(e['likely_causes'], 1):
    print(f'{i}. {c}')
print('\n**Check next**\n')
for c in e['checks']:
    print(f'- {c}')
print('\n**What to do**\n')
for c in e['actions']:
    print(f'- {c}')
print(f"\n**Do kernels print it?** {e['printing']}\n\n**Forms**\n\n```")
for x in e['examples']:
    print(x)
print('```\n')
