// Narrow Coccinelle reference for `npm run bench`: a CPU published online
// (native_cpu_up, set_cpu_online(cpu, true)) before its IPI set-up
// (xen_smp_intr_init, bind_ipi_to_irqhandler) for the same CPU, on some path.
// One function at a time, like spatch itself; no summaries across functions.

@r exists@
expression C, E;
symbol true;
position p1, p2;
@@
(
native_cpu_up@p1(C, ...)
|
set_cpu_online@p1(C, true)
)
... when any
(
xen_smp_intr_init@p2(C)
|
bind_ipi_to_irqhandler@p2(E, C, ...)
)

@script:python depends on r@
p1 << r.p1;
p2 << r.p2;
C << r.C;
@@
print("%s:%s: HP001 %s published online before IPI set-up at line %s" % (p1[0].file, p1[0].line, C, p2[0].line))
