/* Runs before the first paint (a blocking script in <head>, so no inline script is needed): tells the
   stylesheet that JavaScript will lay out the waterfall, so it stays hidden until then (no jump). */
document.documentElement.classList.add("js");
