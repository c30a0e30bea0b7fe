#!/usr/bin/env python3
"""Functions of src/ longer than N lines (test modules left out), longest
first, and how many: `python3 tools/long_functions.py src 80`."""
import re,sys,os
res=[]
for root,_,files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith('.rs'): continue
        p=os.path.join(root,f)
        lines=open(p).read().split('\n')
        # stop at #[cfg(test)]
        end=len(lines)
        for i,l in enumerate(lines):
            if l.strip()=='#[cfg(test)]' and i+1<len(lines) and lines[i+1].startswith('mod tests'):
                end=i;break
        i=0
        while i<end:
            m=re.match(r'^(\s*)(pub(\([a-z]+\))? )?(async )?(const )?(unsafe )?fn (\w+)',lines[i])
            if m:
                ind=m.group(1)
                j=i
                while j<end and not (lines[j].startswith(ind+'}') and len(lines[j].rstrip())==len(ind)+1):
                    j+=1
                n=j-i+1
                if n>int(sys.argv[2]): res.append((n,p,m.group(7),i+1))
            i+=1
for r in sorted(res,reverse=True): print(*r)
print(len(res))
