import { registry } from "@web/core/registry";

// A branch-office staff member works a complaint on the kanban board: drags it
// from "Registered" to "Accepted", then opens it and dispatches it.
registry.category("web_tour.tours").add("huatai_complaint_kanban_tour", {
    steps: () => [
        {
            content: "The board is grouped by stage, the complaint sits in the first column",
            trigger: ".o_kanban_group:eq(0) .o_kanban_record:contains('看板测试客户')",
        },
        {
            content: "Its card shows that it is a difficult complaint",
            trigger: ".o_kanban_group:eq(0) .o_kanban_record:contains('看板测试客户') .badge:contains('Difficult')",
        },
        {
            content: "Drag it to the Accepted column",
            trigger: ".o_kanban_group:eq(0) .o_kanban_record:contains('看板测试客户')",
            run: "drag_and_drop(.o_kanban_group:eq(1))",
        },
        {
            content: "It is now accepted",
            trigger: ".o_kanban_group:eq(1) .o_kanban_record:contains('看板测试客户')",
            run: "click",
        },
        {
            content: "The form shows the stage in its status bar",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Accepted')",
        },
        {
            content: "Dispatch it to another unit",
            trigger: "button[name='action_open_dispatch_wizard']",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='to_unit_id'] input",
            run: "edit 杭州",
        },
        {
            trigger: ".ui-autocomplete .dropdown-item:contains('杭州营业部')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit 被投诉人属杭州营业部",
        },
        {
            trigger: ".modal button[name='action_dispatch']",
            run: "click",
        },
        {
            content: "The dispatch is in the history and in the chatter",
            trigger: "button[name='action_view_dispatches']:contains('1')",
        },
        {
            trigger: ".o-mail-Message:contains('被投诉人属杭州营业部')",
        },
    ],
});
