import { loadRawBinding } from '../src/backend/native/load.js';
const raw:any = (loadRawBinding as any)().binding;
const n = 1e7;
const a = new Float32Array(n).map(()=>Math.random()), b = new Float32Array(n).map(()=>Math.random()), c=new Float32Array(n).map(()=>Math.random());
const outs = Array.from({length:8},()=>new Float32Array(n).fill(1));
const st=[1];
function t(label:string, f:(i:number)=>void, bytes:number){
  let best=1e9;
  for(let r=0;r<5;r++){const t0=performance.now(); for(let i=0;i<20;i++) f(i); best=Math.min(best,(performance.now()-t0)/20);}
  console.log(label, best.toFixed(2),'ms', (bytes/best/1e6).toFixed(1),'GB/s');
}
t('mul same out', ()=>raw.binary('mul',a,st,b,st,[n],outs[0]), 12*n);
t('mul rotating 8 outs', (i)=>raw.binary('mul',a,st,b,st,[n],outs[i%8]), 12*n);
t('mul+add rotating', (i)=>{raw.binary('mul',a,st,b,st,[n],outs[i%8]); raw.binary('add',outs[i%8],st,c,st,[n],outs[(i+1)%8]);}, 16*n);
console.log('triad probe 2t', raw.probeTriad(160*2**20,2), '1t', raw.probeTriad(160*2**20,1));
console.log('triad probe 40MB 2t', raw.probeTriad(40*2**20,2));
t('alloc+mul+add', (i)=>{const o1=new Float32Array(Buffer.allocUnsafeSlow(4*n).buffer,0,n); raw.binary('mul',a,st,b,st,[n],o1); const o2=new Float32Array(Buffer.allocUnsafeSlow(4*n).buffer,0,n); raw.binary('add',o1,st,c,st,[n],o2);}, 16*n);
t('alloc only', (i)=>{const o1=new Float32Array(Buffer.allocUnsafeSlow(4*n).buffer,0,n); const o2=new Float32Array(Buffer.allocUnsafeSlow(4*n).buffer,0,n);}, 16*n);
