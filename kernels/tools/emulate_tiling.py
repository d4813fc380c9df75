# float64 numpy emulation of the tiling, bucket and window logic of kernels/src/attention.cu (index
# arithmetic mirrored by hand, not the CUDA code) against a direct reference. Run: python3 emulate_tiling.py
# numpy emulation of the kernels' tiling/bucket logic (not the CUDA code itself)
import numpy as np, math
rng=np.random.default_rng(0)
def ref(q,k,v,T,K,mask,scale,z,rs):
    L,d=q.shape; o=np.zeros((L,d)); lse=np.full(L,-np.inf); P=np.zeros((L,L)); S=np.full((L,L),-np.inf)
    for i in range(L):
        for j in range(L):
            if mask[j]:
                r=min(max(j-i,-K),K)+K if K>0 else 0
                S[i,j]=(q[i]@k[j]+(q[i]@T[r] if K>0 else 0))*scale
        if np.isfinite(S[i]).any():
            m=S[i].max(); e=np.exp(S[i]-m); lse[i]=m+np.log(e.sum()); P[i]=e/e.sum()
    Pt=P*z*rs
    for i in range(L):
        for j in range(L):
            r=min(max(j-i,-K),K)+K if K>0 else 0
            o[i]+=Pt[i,j]*(v[j]+(T[r] if K>0 else 0))
    return o,lse,P,Pt
def ref_bwd(q,k,v,T,K,mask,scale,z,rs,o,P,Pt,dout):
    L,d=q.shape; R=2*K+1
    D=(dout*o).sum(1); dq=np.zeros_like(q); dk=np.zeros_like(k); dv=np.zeros_like(v)
    for i in range(L):
        for j in range(L):
            r=min(max(j-i,-K),K)+K if K>0 else 0
            dpt=dout[i]@(v[j]+(T[r] if K>0 else 0)); dp=dpt*z[i,j]*rs; ds=P[i,j]*(dp-D[i])
            dv[j]+=Pt[i,j]*dout[i]; dk[j]+=scale*ds*q[i]; dq[i]+=scale*ds*(k[j]+(T[r] if K>0 else 0))
    return dq,dk,dv
def fwd_emu(q,k,v,T,K,mask,scale,z,rs,BM,BN):
    L,d=q.shape; o=np.zeros((L,d)); lse=np.zeros(L); R=2*K+1
    for i0 in range(0,L,BM):
        rows=[i for i in range(i0,i0+BM)]
        Q=np.array([q[i] if i<L else np.zeros(d) for i in rows])
        QT=Q@T.T if K>0 else None
        m=np.full(BM,-np.inf); l=np.zeros(BM); e0=np.zeros(BM); e2=np.zeros(BM); O=np.zeros((BM,d))
        for j0 in range(0,L,BN):
            Kt=np.array([k[j] if j<L else np.zeros(d) for j in range(j0,j0+BN)])
            Vt=np.array([v[j] if j<L else np.zeros(d) for j in range(j0,j0+BN)])
            S=Q@Kt.T
            for il in range(BM):
                i=i0+il; sv=np.zeros(BN)
                for jl in range(BN):
                    j=j0+jl; s=S[il,jl]; valid=j<L and mask[j]
                    if K>0: dd=j-i; r=min(max(dd,-K),K)+K; s+=QT[il,r]
                    sv[jl]=s*scale if valid else -np.inf
                mx=sv.max(); mn=max(m[il],mx); alpha=1.0 if mn==-np.inf else math.exp(m[il]-mn)
                Prow=np.zeros(BN); s0=s2=rsum=0
                for jl in range(BN):
                    j=j0+jl; p=0.0 if sv[jl]==-np.inf else math.exp(sv[jl]-mn); rsum+=p
                    keep=True
                    if sv[jl]!=-np.inf and i<L: keep=z[i,j]>0
                    pd=p*rs if keep else 0; Prow[jl]=pd
                    if K>0:
                        dd=j-i
                        if -K<dd<K: QT[il,dd+K]=sv[jl] if keep else -np.inf
                        elif dd<=-K: s0+=pd
                        else: s2+=pd
                l[il]=alpha*l[il]+rsum; e0[il]=alpha*e0[il]+s0; e2[il]=alpha*e2[il]+s2; m[il]=mn
                O[il]*=alpha; O[il]+=Prow@Vt
        for il in range(BM):
            i=i0+il
            if i>=L: continue
            inv=1/l[il] if l[il]>0 else 0
            O[il]*=inv
            if K>0:
                for r in range(R):
                    w=0
                    if inv>0:
                        if r==0: w=e0[il]*inv
                        elif r==2*K: w=e2[il]*inv
                        else:
                            j=i+r-K
                            if 0<=j<L: w=math.exp(QT[il,r]-m[il])*rs*inv
                    O[il]+=w*T[r]
            o[i]=O[il]; lse[i]=m[il]+math.log(l[il]) if l[il]>0 else -np.inf
    return o,lse
def bwd_emu(q,k,v,T,K,mask,scale,z,rs,o,lse,dout,BM,BN):
    L,d=q.shape; R=2*K+1; Rp=((R+15)//16)*16 if K>0 else 0
    Tp=np.zeros((Rp,d)); 
    if K>0: Tp[:R]=T
    Dv=(dout*o).sum(1); dqacc=np.zeros((L,d)); dsm=np.zeros((L,max(R,1))); dk=np.zeros_like(k); dv=np.zeros_like(v)
    Wmax=min(((BM+BN+15)//16)*16,Rp)
    for j0 in range(0,L,BN):
        Kt=np.array([k[j] if j<L else np.zeros(d) for j in range(j0,j0+BN)])
        Vt=np.array([v[j] if j<L else np.zeros(d) for j in range(j0,j0+BN)])
        dK=np.zeros((BN,d)); dV=np.zeros((BN,d))
        for i0 in range(0,L,BM):
            Q=np.array([q[i] if i<L else np.zeros(d) for i in range(i0,i0+BM)])
            dO=np.array([dout[i] if i<L else np.zeros(d) for i in range(i0,i0+BM)])
            ls=[(np.inf if lse[i]==-np.inf else lse[i]) if i<L else np.inf for i in range(i0,i0+BM)]
            Ds=[Dv[i] if i<L else 0 for i in range(i0,i0+BM)]
            r_lo=0
            if K>0:
                dmin=j0-(i0+BM-1); dmax=j0+BN-1-i0
                lo=min(max(dmin,-K),K)+K; hi=min(max(dmax,-K),K)+K
                r_lo=lo&~1; Wn=((hi-r_lo+1+15)//16)*16
                if r_lo+Wn>Rp: r_lo=Rp-Wn
                assert Wn<=Wmax and r_lo>=0 and r_lo%2==0 and r_lo<=lo and hi<r_lo+Wn, (lo,hi,r_lo,Wn)
                Tw=Tp[r_lo:r_lo+Wn]; Wb=Q@Tw.T
            S=Q@Kt.T; pr=np.zeros((BM,BN)); kp=np.zeros((BM,BN),bool); Pt=np.zeros((BM,BN))
            for il in range(BM):
                i=i0+il
                for jl in range(BN):
                    j=j0+jl; s=S[il,jl]
                    if K>0: s+=Wb[il,min(max(j-i,-K),K)+K-r_lo]
                    valid=j<L and mask[j]; p=0
                    if valid and ls[il]!=np.inf: p=math.exp(s*scale-ls[il])
                    keep=True
                    if p>0: keep=z[i,j]>0
                    kp[il,jl]=keep; pr[il,jl]=p; Pt[il,jl]=p*rs if keep else 0
            dP=dO@Vt.T
            if K>0: Wb=dO@Tw.T
            dV+=Pt.T@dO
            dS=np.zeros((BM,BN))
            for il in range(BM):
                i=i0+il; e0=e2=0
                for jl in range(BN):
                    j=j0+jl; dd=j-i; dpt=dP[il,jl]
                    if K>0: dpt+=Wb[il,min(max(dd,-K),K)+K-r_lo]
                    dp=dpt*rs if kp[il,jl] else 0; ds=pr[il,jl]*(dp-Ds[il])*scale; dS[il,jl]=ds
                    if K>0 and pr[il,jl]!=0:
                        if -K<dd<K:
                            assert dsm[i,dd+K]==0; dsm[i,dd+K]=ds
                        elif dd<=-K: e0+=ds
                        else: e2+=ds
                if K>0 and i<L: dsm[i,0]+=e0; dsm[i,2*K]+=e2
            dK+=dS.T@Q
            dQ=dS@Kt
            for il in range(BM):
                if i0+il<L: dqacc[i0+il]+=dQ[il]
        for jl in range(BN):
            if j0+jl<L: dk[j0+jl]=dK[jl]; dv[j0+jl]=dV[jl]
    dq=dqacc+(dsm[:,:R]@T if K>0 else 0)
    return dq,dk,dv
worst=0
for (L,K,BM,BN,masked,drop) in [(1,2,8,8,0,0),(7,2,8,8,1,.1),(13,3,8,8,0,.1),(37,5,8,16,1,.2),(40,17,16,16,1,.1),(29,0,8,8,1,.1),(50,64,16,16,0,.1),(70,9,32,64,1,.1)]:
    d=8; q,k,v,dout=(rng.standard_normal((L,d)) for _ in range(4)); T=rng.standard_normal((2*K+1,d))*.5
    mask=np.ones(L,bool)
    if masked: mask[rng.integers(1,L+1):]=False
    z=(rng.random((L,L))>=drop).astype(float); rs=1/(1-drop); scale=1/math.sqrt(d)
    o,lse,P,Pt=ref(q,k,v,T,K,mask,scale,z,rs)
    o2,lse2=fwd_emu(q,k,v,T,K,mask,scale,z,rs,BM,BN)
    dq,dk,dv=ref_bwd(q,k,v,T,K,mask,scale,z,rs,o,P,Pt,dout)
    dq2,dk2,dv2=bwd_emu(q,k,v,T,K,mask,scale,z,rs,o,lse,dout,BM,BN)
    errs=[np.abs(a-b).max() for a,b in [(o,o2),(dq,dq2),(dk,dk2),(dv,dv2)]]
    fin=np.isfinite(lse); errs.append(np.abs(lse[fin]-lse2[fin]).max() if fin.any() else 0); assert (np.isfinite(lse2)==fin).all()
    print(L,K,BM,BN,masked,drop,["%.1e"%e for e in errs]); worst=max(worst,max(errs))
print("worst",worst)

# Thread-level ownership of the in-place buffers, with the CUDA kernels' real thread map (NT = 256
# threads, row il = tid / TPR, columns jl = qd + TPR * k): checks the claims the kernels rely on
# instead of a barrier or an atomic.
#  forward: in one key tile (the interval between the barrier after S = Q.K^T and the barrier
#    before O += P.V) a QT cell written by a thread (an interior bucket) is read or written by no
#    other thread; over the whole CTA each interior cell is read at most once, before its overwrite,
#    and every interior cell with 0 <= j < L is overwritten (the epilogue reads a score, not q.T).
#  backward: over all CTAs and query tiles an interior (i, r) of the bucket-mass workspace has at
#    most one plain store, and never r = 0 or 2K (those take atomics).
def check_ownership(L,K,fBM,fBN,bBM,bBN,NT=256):
    R=2*K+1
    TPR=NT//fBM; EPT=fBN//TPR
    for i0 in range(0,L,fBM):
        reads_total={}; written=set()
        for j0 in range(0,L,fBN):
            rd={}; wr={}
            for tid in range(NT):
                il,qd=tid//TPR,tid%TPR; i=i0+il
                for k in range(EPT):
                    j=j0+qd+TPR*k; dd=j-i; r=min(max(dd,-K),K)+K
                    rd.setdefault((il,r),set()).add(tid)
                    if (il,r) not in written: reads_total[(il,r)]=reads_total.get((il,r),0)+1
                for k in range(EPT):
                    j=j0+qd+TPR*k; dd=j-i
                    if -K<dd<K:
                        c=(il,dd+K); assert c not in wr, ("double write",c); wr[c]=tid
            for c,t in wr.items():
                assert rd.get(c,{t})<= {t}, ("QT race",L,K,i0,j0,c)
                assert c not in written, ("rewritten",c)
                written.add(c)
        for (il,r),n in reads_total.items():
            if 0<r<2*K: assert n<=1, ("interior read twice",il,r)
        for il in range(fBM):
            i=i0+il
            for r in range(1,2*K):
                if 0<=i+r-K<L: assert (il,r) in written, ("not overwritten",i,r)
    TPR=NT//bBM; EPT=bBN//TPR; stores={}
    for j0 in range(0,L,bBN):
        for i0 in range(0,L,bBM):
            for tid in range(NT):
                il,qd=tid//TPR,tid%TPR; i=i0+il
                if i>=L: continue
                for k in range(EPT):
                    j=j0+qd+TPR*k; dd=j-i
                    if j<L and -K<dd<K:
                        c=(i,dd+K); assert 0<c[1]<2*K and c not in stores, ("dsm store",c); stores[c]=1
for L in (1,7,63,64,65,77,129,300):
    for K in (1,2,5,31,32,33,64,200):
        check_ownership(L,K,64,64,64,64); check_ownership(L,K,64,64,32,64); check_ownership(L,K,32,32,32,32)
print("ownership ok")
