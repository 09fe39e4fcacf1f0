/*
 * The status page of hactl serve: fetches /api/v1 documents (schema 1)
 * every few seconds and fills the tables.  No framework, no build step.
 */
"use strict";

var REFRESH_MS = 3000;
var EVENTS_SHOWN = 30;

function cell(tr, text, cls) {
	var td = document.createElement("td");
	td.textContent = text === undefined || text === null ? "" : String(text);
	if (cls)
		td.className = cls;
	tr.appendChild(td);
	return td;
}

function badge(tr, text, extra) {
	var td = cell(tr, "");
	var span = document.createElement("span");
	span.className = "state " + String(text).replace(/[^A-Za-z]/g, "");
	span.textContent = text;
	td.appendChild(span);
	if (extra)
		td.appendChild(document.createTextNode(" " + extra));
	return td;
}

function fill(id, rows) {
	var tbody = document.querySelector("#" + id + " tbody");
	tbody.replaceChildren.apply(tbody, rows);
}

function getDoc(name) {
	return fetch("api/v1/" + name, { cache: "no-store" }).then(function (r) {
		return r.json().then(function (d) {
			if (!r.ok || d.error)
				throw new Error(name + ": " + (d.error || r.status));
			if (d.schema !== 1)
				throw new Error(name + ": schema " + d.schema +
				    " is not 1");
			return d.items;
		});
	});
}

function vrrpRows(items) {
	return items.map(function (v) {
		var tr = document.createElement("tr");
		var state = v.maintenance ? "MAINTENANCE" : v.state;
		tr.dataset.instance = v.name;
		tr.dataset.state = v.state;
		cell(tr, v.name, "name");
		badge(tr, state).classList.add("vrrp-state");
		cell(tr, v.interface);
		cell(tr, v.vrid, "num");
		cell(tr, v.priority === v.effective_priority ? v.priority :
		    v.priority + "/" + v.effective_priority, "num");
		cell(tr, v.master || "-");
		cell(tr, v.vips.join(" "), "text");
		cell(tr, v.last_transition > 0 ?
		    new Date(v.last_transition * 1000).toLocaleString() + ": " +
		    v.last_reason : "-", "text");
		return tr;
	});
}

function lvsRows(items) {
	var rows = [];
	items.forEach(function (s) {
		var tr = document.createElement("tr");
		tr.className = "service";
		cell(tr, s.service);
		cell(tr, s.scheduler);
		cell(tr, s.method);
		cell(tr, "");
		cell(tr, s.in_kernel ? "" : "absent");
		cell(tr, s.quorum_up ? "" : "quorum lost");
		cell(tr, "");
		cell(tr, "");
		rows.push(tr);
		s.reals.forEach(function (r) {
			var rt = document.createElement("tr");
			rt.className = "real";
			rt.dataset.real = r.real;
			cell(rt, "\u2192 " + r.real);
			cell(rt, r.sorry ? "sorry server" : "");
			cell(rt, "");
			cell(rt, r.weight, "num");
			cell(rt, r.kernel_weight < 0 ? "-" : r.kernel_weight,
			    "num");
			badge(rt, r.health, r.drained ? "(drained)" : "");
			cell(rt, r.active_conns, "num");
			cell(rt, r.inactive_conns, "num");
			rows.push(rt);
		});
	});
	return rows;
}

function eventRows(items) {
	return items.slice(-EVENTS_SHOWN).reverse().map(function (e) {
		var tr = document.createElement("tr");
		cell(tr, new Date(e.time_ms).toLocaleString());
		cell(tr, e.kind);
		cell(tr, e.object);
		cell(tr, e.text, "text");
		return tr;
	});
}

function refresh() {
	var up = document.getElementById("updated");

	Promise.all([getDoc("vrrp"), getDoc("lvs"), getDoc("history")])
	    .then(function (d) {
		fill("vrrp", vrrpRows(d[0]));
		fill("lvs", lvsRows(d[1]));
		fill("events", eventRows(d[2]));
		up.textContent = "updated " + new Date().toLocaleTimeString();
		up.className = "";
	}).catch(function (err) {
		up.textContent = "not updated: " + err.message;
		up.className = "stale";
	}).finally(function () {
		setTimeout(refresh, REFRESH_MS);
	});
}

document.addEventListener("DOMContentLoaded", refresh);
